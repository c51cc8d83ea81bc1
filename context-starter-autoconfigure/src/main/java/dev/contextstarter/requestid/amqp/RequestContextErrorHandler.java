package dev.contextstarter.requestid.amqp;

import java.util.function.Supplier;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.support.ListenerExecutionFailedException;
import org.springframework.util.ErrorHandler;

import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Runs a container's error handler inside the failed message's context, so its log line
 * ("Execution of Rabbit message listener failed") carries the same ID as the listener's
 * own. The container calls it after the listener invocation, and so our advice's scope,
 * has ended.
 */
public final class RequestContextErrorHandler implements ErrorHandler {

	private final ErrorHandler delegate;

	private final Supplier<AmqpRequestContexts> contexts;

	/**
	 * Create the error handler.
	 * @param delegate the error handler that does the work
	 * @param contexts supplies the codec; resolved on first use
	 */
	public RequestContextErrorHandler(ErrorHandler delegate, Supplier<AmqpRequestContexts> contexts) {
		this.delegate = delegate;
		this.contexts = contexts;
	}

	@Override
	public void handleError(Throwable error) {
		Message failed = (error instanceof ListenerExecutionFailedException listenerFailure
				&& listenerFailure.getFailedMessages().size() == 1) ? listenerFailure.getFailedMessage() : null;
		if (failed == null) {
			this.delegate.handleError(error);
			return;
		}
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(this.contexts.get().contextOf(failed))) {
			this.delegate.handleError(error);
		}
	}

	/**
	 * The error handler that does the work.
	 * @return the delegate
	 */
	public ErrorHandler delegate() {
		return this.delegate;
	}

}
