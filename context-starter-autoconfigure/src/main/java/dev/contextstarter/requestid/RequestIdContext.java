package dev.contextstarter.requestid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The immutable context of one request: its ID and the configured fields (for example a
 * tenant ID) that came with it.
 *
 * @param requestId the request ID, never empty
 * @param fields the configured fields present on this request, by field name
 */
public record RequestIdContext(String requestId, Map<String, String> fields) {

	public RequestIdContext {
		Objects.requireNonNull(requestId, "requestId must not be null");
		if (requestId.isEmpty()) {
			throw new IllegalArgumentException("requestId must not be empty");
		}
		fields = fields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
	}

	/**
	 * A context holding only a request ID.
	 * @param requestId the request ID
	 * @return the context
	 */
	public static RequestIdContext of(String requestId) {
		return new RequestIdContext(requestId, Map.of());
	}

	/**
	 * Return a copy of this context with one more (or a replaced) field.
	 * @param name the field name, as configured under {@code context.fields}
	 * @param value the value
	 * @return a new context
	 */
	public RequestIdContext withField(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.fields);
		copy.put(name, value);
		return new RequestIdContext(this.requestId, copy);
	}

	/**
	 * Return the value of a field.
	 * @param name the field name
	 * @return the value, or {@code null} when the request did not carry it
	 */
	public @Nullable String field(String name) {
		return this.fields.get(name);
	}

	@Override
	public String toString() {
		return this.fields.isEmpty() ? this.requestId : this.requestId + " " + this.fields;
	}

}
