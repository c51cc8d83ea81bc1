package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;

/**
 * Reads and writes the request context of RabbitMQ messages: the request ID under one header
 * (default {@code x-request-id}) and each configured field under its lowercased HTTP header.
 * <p>
 * Also the API for batch listeners: the batch as a whole runs under a context of its own, and
 * {@link #open(Message)} switches to one message's context while handling it:
 * <pre class="code">
 * &#064;RabbitListener(queues = "orders", batch = "true")
 * void onBatch(List&lt;Message&gt; batch) {
 *     for (Message message : batch) {
 *         try (var scope = amqpRequestContexts.open(message)) {
 *             handle(message);
 *         }
 *     }
 * }
 * </pre>
 */
public final class AmqpRequestContexts {

	/** The {@code source} tag of rejected IDs that arrived over AMQP. */
	public static final String SOURCE = "amqp";

	private final String idHeader;

	private final List<ContextField> fields;

	private final InboundContextResolver resolver;

	/**
	 * Create the codec.
	 * @param policy validates and generates IDs
	 * @param idHeader the AMQP header of the request ID
	 * @param fields the configured context fields (their HTTP headers; the AMQP header of each
	 * is {@link InboundContextResolver#amqpHeader(ContextField) lowercased})
	 */
	public AmqpRequestContexts(RequestIdPolicy policy, String idHeader, List<ContextField> fields) {
		this.idHeader = idHeader;
		List<ContextField> amqpFields = new ArrayList<>(fields.size());
		for (ContextField field : fields) {
			amqpFields.add(new ContextField(field.name(), InboundContextResolver.amqpHeader(field), field.mdcKey()));
		}
		this.fields = List.copyOf(amqpFields);
		this.resolver = new InboundContextResolver(policy, List.of(idHeader), this.fields);
	}

	/**
	 * The AMQP header of the request ID.
	 * @return the header name
	 */
	public String idHeader() {
		return this.idHeader;
	}

	/**
	 * Return the context a received message is handled under. A missing or invalid ID is
	 * replaced by a new one (and counted); the message's header is then set to the new ID so
	 * that every later read of the same message, and a reply to it, agrees.
	 * @param message the received message
	 * @return its context
	 */
	public RequestContext contextOf(Message message) {
		MessageProperties properties = message.getMessageProperties();
		Map<String, @Nullable Object> headers = properties.getHeaders();
		RequestContext context = this.resolver.resolve((name) -> values(headers, name), true, SOURCE);
		Object current = headers.get(this.idHeader);
		if (!(current instanceof String text && text.equals(context.requestId()))) {
			properties.setHeader(this.idHeader, context.requestId());
		}
		return context;
	}

	/**
	 * Make a received message's context current until the scope is closed, restoring the
	 * previous one (such as the batch's) afterwards.
	 * @param message the received message
	 * @return the scope to close
	 */
	public RequestContextHolder.Scope open(Message message) {
		return RequestContextHolder.open(contextOf(message));
	}

	/**
	 * A new context for work that starts here, such as a batch of messages.
	 * @return a context with a new ID and no fields
	 */
	public RequestContext newContext() {
		return RequestContext.of(this.resolver.policy().newId());
	}

	/**
	 * Write a context into outgoing message properties, keeping any header the caller set.
	 * @param properties the outgoing message's properties
	 * @param context the context to carry
	 */
	public void stamp(MessageProperties properties, RequestContext context) {
		Map<String, @Nullable Object> headers = properties.getHeaders();
		headers.putIfAbsent(this.idHeader, context.requestId());
		for (ContextField field : this.fields) {
			String value = context.field(field.name());
			if (value != null) {
				headers.putIfAbsent(field.header(), value);
			}
		}
	}

	/**
	 * Copy the request ID and field headers of a received message to its reply, keeping any
	 * the reply already has.
	 * @param request the received message's properties
	 * @param reply the reply's properties
	 */
	public void copyToReply(MessageProperties request, MessageProperties reply) {
		copyIfAbsent(request, reply, this.idHeader);
		for (ContextField field : this.fields) {
			copyIfAbsent(request, reply, field.header());
		}
	}

	private static void copyIfAbsent(MessageProperties request, MessageProperties reply, String header) {
		Object value = request.getHeaders().get(header);
		if (value != null) {
			reply.getHeaders().putIfAbsent(header, value);
		}
	}

	private static List<@Nullable String> values(Map<String, @Nullable Object> headers, String name) {
		if (headers.containsKey(name)) {
			return AmqpHeaderValues.decode(headers.get(name));
		}
		// AMQP header names are case-sensitive; accept a sender that kept the HTTP spelling.
		for (Map.Entry<String, @Nullable Object> entry : headers.entrySet()) {
			if (entry.getKey().equalsIgnoreCase(name)) {
				return AmqpHeaderValues.decode(entry.getValue());
			}
		}
		return List.of();
	}

}
