package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;

/**
 * Reads and writes the request context of RabbitMQ messages: the request ID under one
 * header (default {@code x-request-id}) and each configured field under its lowercased
 * HTTP header.
 * <p>
 * Whether a message's ID and fields are accepted depends on its publisher, as the
 * {@link AmqpTrust} mode says: with {@link AmqpTrust#TRUSTED_USERS}, only a message whose
 * broker-validated {@code user-id} property names a trusted user may choose them. Fields
 * are validated like the ID on every path that reads a message.
 * <p>
 * Also the API for batch listeners: the batch as a whole runs under a context of its own,
 * and {@link #open(Message)} switches to one message's context while handling it:
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
	private static final String SOURCE = "amqp";

	private final String idHeader;

	private final List<ContextField> fields;

	private final InboundContextResolver resolver;

	private final AmqpTrust trust;

	private final Set<String> trustedUsers;

	private final SettledContexts untrustedSettled = new SettledContexts();

	/**
	 * Create the codec that accepts a valid ID and valid fields from any publisher.
	 * @param policy validates and generates IDs
	 * @param idHeader the AMQP header of the request ID
	 * @param fields the configured context fields (their HTTP headers; the AMQP header of
	 * each is lowercased)
	 */
	public AmqpRequestContexts(RequestIdPolicy policy, String idHeader, List<ContextField> fields) {
		this(policy, idHeader, fields, AmqpTrust.IF_VALID, Set.of());
	}

	/**
	 * Create the codec.
	 * @param policy validates and generates IDs
	 * @param idHeader the AMQP header of the request ID
	 * @param fields the configured context fields (their HTTP headers; the AMQP header of
	 * each is lowercased)
	 * @param trust whose IDs and fields are accepted
	 * @param trustedUsers the users trusted under {@link AmqpTrust#TRUSTED_USERS}
	 */
	public AmqpRequestContexts(RequestIdPolicy policy, String idHeader, List<ContextField> fields, AmqpTrust trust,
			Collection<String> trustedUsers) {
		this.trust = Objects.requireNonNull(trust, "trust must not be null");
		this.trustedUsers = Set.copyOf(trustedUsers);
		this.idHeader = idHeader;
		List<ContextField> amqpFields = new ArrayList<>(fields.size());
		for (ContextField field : fields) {
			amqpFields.add(new ContextField(field.name(), amqpHeader(field), field.mdcKey()));
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
	 * Return the context a received message is handled under. A missing or invalid ID, or
	 * one from an untrusted publisher, is replaced by a new one (and counted), and so are
	 * the fields of an untrusted publisher dropped; the message's header is then set to
	 * the new ID, and every later read of the same message, and a reply to it, agrees.
	 * @param message the received message
	 * @return its context
	 */
	public RequestIdContext contextOf(Message message) {
		return contextOf(message.getMessageProperties());
	}

	private RequestIdContext contextOf(MessageProperties properties) {
		boolean trusted = isTrustedPublisher(properties);
		if (!trusted) {
			RequestIdContext settled = this.untrustedSettled.get(properties);
			if (settled != null) {
				return settled;
			}
		}
		Map<String, @Nullable Object> headers = properties.getHeaders();
		RequestIdContext context = this.resolver.resolve((name) -> values(headers, name), trusted, SOURCE);
		Object current = headers.get(this.idHeader);
		if (!(current instanceof String text && text.equals(context.requestId()))) {
			properties.setHeader(this.idHeader, context.requestId());
		}
		if (!trusted) {
			this.untrustedSettled.put(properties, context);
		}
		return context;
	}

	/**
	 * Whether a received message's publisher may choose its request ID and fields.
	 * @param properties the received message's properties
	 * @return whether they are accepted when valid
	 */
	public boolean isTrustedPublisher(MessageProperties properties) {
		return switch (this.trust) {
			case IF_VALID -> true;
			case NEVER -> false;
			// The received user-id, which the broker checked against the publishing
			// connection.
			case TRUSTED_USERS -> {
				String userId = properties.getReceivedUserId();
				yield userId != null && this.trustedUsers.contains(userId);
			}
		};
	}

	/**
	 * The trust mode.
	 * @return whose IDs and fields are accepted
	 */
	public AmqpTrust trust() {
		return this.trust;
	}

	/**
	 * Make a received message's context current until the scope is closed, restoring the
	 * previous one (such as the batch's) afterwards.
	 * @param message the received message
	 * @return the scope to close
	 */
	public RequestIdContextHolder.Scope open(Message message) {
		return RequestIdContextHolder.open(contextOf(message));
	}

	/**
	 * A new context for work that starts here, such as a batch of messages.
	 * @return a context with a new ID and no fields
	 */
	RequestIdContext newContext() {
		return RequestIdContext.of(this.resolver.policy().newId());
	}

	/**
	 * Write a context into outgoing message properties, keeping any header the caller
	 * set.
	 * @param properties the outgoing message's properties
	 * @param context the context to carry
	 */
	void stamp(MessageProperties properties, RequestIdContext context) {
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
	 * Give a reply the context of the received message it answers, keeping any header the
	 * reply already has: the settled ID, and only the fields that were accepted.
	 * @param request the received message's properties
	 * @param reply the reply's properties
	 */
	void copyToReply(MessageProperties request, MessageProperties reply) {
		stamp(reply, contextOf(request));
	}

	private static List<@Nullable String> values(Map<String, @Nullable Object> headers, String name) {
		if (headers.containsKey(name)) {
			return AmqpHeaderValues.decode(headers.get(name));
		}
		// AMQP header names are case-sensitive; accept a sender that kept the HTTP
		// spelling.
		for (Map.Entry<String, @Nullable Object> entry : headers.entrySet()) {
			if (entry.getKey().equalsIgnoreCase(name)) {
				return AmqpHeaderValues.decode(entry.getValue());
			}
		}
		return List.of();
	}

	/** A field's AMQP header: its HTTP header name in lower case. */
	private static String amqpHeader(ContextField field) {
		return field.header().toLowerCase(Locale.ROOT);
	}

}
