package dev.contextstarter.requestid.amqp;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.adapter.ReplyPostProcessor;

/**
 * Gives a listener's reply the request context of the message it answers, whatever thread
 * sends it: replies to {@code Mono} and {@code CompletableFuture} results are sent from
 * the thread that completed them, after the listener invocation's scope has closed. The
 * context is the one {@link RequestContextListenerAdvice} settled before the listener ran
 * (the same ID, and only the fields that were accepted); headers the reply already has
 * are kept.
 */
public final class RequestContextReplyPostProcessor implements ReplyPostProcessor {

	private final Supplier<AmqpRequestContexts> contexts;

	private final @Nullable ReplyPostProcessor next;

	/**
	 * Create the post-processor.
	 * @param contexts supplies the codec; resolved on first use
	 * @param previous a post-processor the application set, applied first
	 */
	public RequestContextReplyPostProcessor(Supplier<AmqpRequestContexts> contexts,
			@Nullable ReplyPostProcessor previous) {
		this.contexts = contexts;
		this.next = previous;
	}

	@Override
	public Message apply(Message request, Message reply) {
		Message processed = (this.next != null) ? this.next.apply(request, reply) : reply;
		this.contexts.get().copyToReply(request.getMessageProperties(), processed.getMessageProperties());
		return processed;
	}

}
