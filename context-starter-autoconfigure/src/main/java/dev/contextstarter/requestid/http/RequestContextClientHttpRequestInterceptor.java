package dev.contextstarter.requestid.http;

import java.io.IOException;
import java.util.List;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Sends the calling thread's request ID and context fields on every request of a
 * {@code RestClient} or {@code RestTemplate}, leaving alone any of those headers the
 * caller set. Blocking clients run on the calling thread, so the holder is where the
 * context is.
 */
public final class RequestContextClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final OutboundContextHeaders headers;

	/**
	 * Create an interceptor.
	 * @param idHeader the header that carries the ID
	 * @param fields the configured context fields
	 */
	public RequestContextClientHttpRequestInterceptor(String idHeader, List<ContextField> fields) {
		this.headers = new OutboundContextHeaders(idHeader, fields);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		RequestIdContext context = RequestIdContextHolder.current();
		if (context != null) {
			this.headers.addTo(request.getHeaders(), context);
		}
		return execution.execute(request, body);
	}

}
