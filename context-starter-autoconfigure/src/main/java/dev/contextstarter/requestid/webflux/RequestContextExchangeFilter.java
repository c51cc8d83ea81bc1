package dev.contextstarter.requestid.webflux;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.http.OutboundContextHeaders;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;
import dev.contextstarter.requestid.reactor.RequestContextRestoring;

/**
 * Sends the current request ID and context fields on every outbound {@code WebClient}
 * request, leaving alone any of those headers the caller set.
 * <p>
 * The context is read from the Reactor {@code Context} of the subscription, falling back
 * to the calling thread's holder, so it works with and without automatic propagation. The
 * response and its body, which arrive on a Netty event loop, are delivered inside that
 * context, so whatever the caller chains after the exchange sees it.
 */
public final class RequestContextExchangeFilter implements ExchangeFilterFunction {

	private final OutboundContextHeaders headers;

	/**
	 * Create a filter.
	 * @param idHeader the header that carries the ID
	 * @param fields the configured context fields
	 */
	public RequestContextExchangeFilter(String idHeader, List<ContextField> fields) {
		this.headers = new OutboundContextHeaders(idHeader, fields);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.deferContextual((view) -> {
			RequestIdContext restored = RequestContextAccessor.current(view);
			if (restored == null) {
				return next.exchange(request);
			}
			Mono<ClientResponse> response = next.exchange(withContext(request, restored))
				.map((received) -> received.mutate()
					.body((body) -> RequestContextRestoring.flux(body, restored))
					.build());
			return RequestContextRestoring.mono(response, restored);
		});
	}

	private ClientRequest withContext(ClientRequest request, RequestIdContext context) {
		return ClientRequest.from(request).headers((headers) -> this.headers.addTo(headers, context)).build();
	}

}
