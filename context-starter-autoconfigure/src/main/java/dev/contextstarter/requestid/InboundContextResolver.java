package dev.contextstarter.requestid;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link RequestIdContext} of an inbound request or message from its headers:
 * the first valid ID among the configured ID headers wins, otherwise a new ID is
 * generated; each configured field is taken when it arrived exactly once with a valid
 * value.
 */
public final class InboundContextResolver {

	private static final Logger logger = LoggerFactory.getLogger(InboundContextResolver.class);

	private final RequestIdPolicy policy;

	private final List<String> idHeaders;

	private final List<ContextField> fields;

	/**
	 * Create a resolver.
	 * @param policy validates and generates IDs
	 * @param idHeaders the headers that may carry the ID, in order of preference
	 * @param fields the configured context fields
	 */
	public InboundContextResolver(RequestIdPolicy policy, List<String> idHeaders, List<ContextField> fields) {
		if (idHeaders.isEmpty()) {
			throw new IllegalArgumentException("At least one request ID header is required");
		}
		this.policy = policy;
		this.idHeaders = List.copyOf(idHeaders);
		this.fields = List.copyOf(fields);
	}

	/**
	 * Resolve the context of an inbound request or message.
	 * @param headers its headers
	 * @param trusted whether the sender may choose the ID and fields
	 * @param source where it came from, such as {@code http} or {@code amqp}
	 * @return the context
	 */
	public RequestIdContext resolve(HeaderSource headers, boolean trusted, String source) {
		RequestIdContext context = RequestIdContext.of(resolveId(headers, trusted, source));
		if (!trusted) {
			return context;
		}
		for (ContextField field : this.fields) {
			List<? extends @Nullable String> values = headers.values(field.header());
			if (values.isEmpty()) {
				continue;
			}
			String value = values.get(0);
			if (values.size() == 1 && this.policy.isValid(value)) {
				context = context.withField(field.name(), value);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Inbound context field '" + field.name() + "' from " + source + " dropped ("
						+ ((values.size() > 1) ? "multiple" : "invalid") + ")");
			}
		}
		return context;
	}

	private String resolveId(HeaderSource headers, boolean trusted, String source) {
		RequestIdRejection firstRejection = null;
		for (String header : this.idHeaders) {
			List<? extends @Nullable String> values = headers.values(header);
			if (values.isEmpty()) {
				continue;
			}
			RequestIdRejection rejection = this.policy.check(values, trusted);
			if (rejection == null) {
				return values.get(0);
			}
			if (firstRejection == null) {
				firstRejection = rejection;
			}
		}
		return this.policy.replace(source, (firstRejection != null) ? firstRejection : RequestIdRejection.MISSING);
	}

	/**
	 * The policy behind this resolver.
	 * @return the policy
	 */
	public RequestIdPolicy policy() {
		return this.policy;
	}

	/**
	 * The configured ID headers, the primary one first.
	 * @return the header names
	 */
	public List<String> idHeaders() {
		return this.idHeaders;
	}

	/**
	 * The configured context fields.
	 * @return the fields
	 */
	public List<ContextField> fields() {
		return this.fields;
	}

}
