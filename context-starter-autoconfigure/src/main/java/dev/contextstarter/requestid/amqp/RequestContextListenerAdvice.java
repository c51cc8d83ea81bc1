package dev.contextstarter.requestid.amqp;

import java.util.List;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Runs every listener invocation of a message listener container inside the message's
 * request context, and restores the thread's previous context (and MDC) when the listener
 * returns or throws, so a reused consumer thread never carries one message's ID into the
 * next.
 * <p>
 * It belongs first in the container's advice chain: retry advice inside it then runs
 * every attempt, and the recoverer, under the same ID. A batch is handled under a new
 * context of its own; each message's context is available through
 * {@link AmqpRequestContexts#open(Message)}. A listener returning {@code Mono} (or a
 * {@code CompletableFuture} made from one) is subscribed to inside this scope; with
 * {@link ListenerSubscriptionContextHook} installed that subscription carries the context
 * in its Reactor {@code Context}, and Reactor's automatic context propagation restores it
 * after every thread hop.
 */
public final class RequestContextListenerAdvice implements MethodInterceptor {

	private final Supplier<AmqpRequestContexts> contexts;

	/**
	 * Create the advice.
	 * @param contexts supplies the codec; resolved on first use, since containers are
	 * built before most other beans
	 */
	public RequestContextListenerAdvice(Supplier<AmqpRequestContexts> contexts) {
		this.contexts = contexts;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		RequestIdContext context = contextFor(invocation.getArguments());
		RequestIdContext previousListenerContext = ListenerInvocationContext.enter(context);
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(context)) {
			return invocation.proceed();
		}
		finally {
			ListenerInvocationContext.exit(previousListenerContext);
		}
	}

	private @Nullable RequestIdContext contextFor(@Nullable Object[] arguments) {
		// ContainerDelegate.invokeListener(Channel, Object data): data is a Message or a
		// batch.
		for (Object argument : arguments) {
			if (argument instanceof Message message) {
				return this.contexts.get().contextOf(message);
			}
			if (argument instanceof List<?> batch) {
				AmqpRequestContexts codec = this.contexts.get();
				for (Object element : batch) {
					if (element instanceof Message message) {
						// Settle (and count) each message's ID once, before the listener
						// reads it.
						codec.contextOf(message);
					}
				}
				return codec.newContext();
			}
		}
		return null;
	}

}
