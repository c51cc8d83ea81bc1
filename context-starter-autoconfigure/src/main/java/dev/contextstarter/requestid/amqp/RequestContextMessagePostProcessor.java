package dev.contextstarter.requestid.amqp;

import java.util.function.Supplier;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.core.Ordered;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Stamps outgoing messages with the current thread's request context. A header the caller
 * set is kept; {@code correlationId} and {@code messageId} are never touched, since
 * request/reply sets them itself. Without a current context nothing is added and the
 * receiver generates an ID.
 * <p>
 * Inside a Reactor chain the starter's scheduler hook (or Reactor's automatic
 * propagation, when turned on) makes the context current on every worker, so publishing
 * from any scheduler works.
 */
public final class RequestContextMessagePostProcessor implements MessagePostProcessor, Ordered {

	private final Supplier<AmqpRequestContexts> contexts;

	/**
	 * Create the post-processor.
	 * @param contexts supplies the codec that writes the headers; resolved on first use
	 */
	public RequestContextMessagePostProcessor(Supplier<AmqpRequestContexts> contexts) {
		this.contexts = contexts;
	}

	@Override
	public Message postProcessMessage(Message message) {
		RequestIdContext context = RequestIdContextHolder.current();
		if (context != null) {
			this.contexts.get().stamp(message.getMessageProperties(), context);
		}
		return message;
	}

	@Override
	public int getOrder() {
		// Before compressing post-processors, which must see the final headers.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
