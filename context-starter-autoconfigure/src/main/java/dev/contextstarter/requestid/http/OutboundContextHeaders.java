package dev.contextstarter.requestid.http;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RequestIdContext;

/**
 * Writes a request context into the headers of an outbound HTTP request: the ID under the
 * primary header and each field under its own, leaving alone any header the caller set.
 * Shared by the blocking clients' interceptor and the {@code WebClient} filter.
 */
public final class OutboundContextHeaders {

	private final String idHeader;

	private final List<ContextField> fields;

	/**
	 * Create the writer.
	 * @param idHeader the header that carries the ID
	 * @param fields the configured context fields
	 */
	public OutboundContextHeaders(String idHeader, List<ContextField> fields) {
		this.idHeader = idHeader;
		this.fields = List.copyOf(fields);
	}

	/**
	 * Add the context's ID and fields to the headers where absent.
	 * @param headers the request's headers
	 * @param context the context
	 */
	public void addTo(HttpHeaders headers, RequestIdContext context) {
		setIfAbsent(headers, this.idHeader, context.requestId());
		for (ContextField field : this.fields) {
			setIfAbsent(headers, field.header(), context.field(field.name()));
		}
	}

	private static void setIfAbsent(HttpHeaders headers, String name, @Nullable String value) {
		if (value != null && !headers.containsHeader(name)) {
			headers.set(name, value);
		}
	}

}
