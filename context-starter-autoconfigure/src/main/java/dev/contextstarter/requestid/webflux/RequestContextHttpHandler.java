package dev.contextstarter.requestid.webflux;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;

import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdTrust;
import dev.contextstarter.requestid.reactor.RequestContextRestoring;

/**
 * Wraps the whole WebFlux {@link HttpHandler}, so that everything behind it (Spring
 * Security, every {@code WebFilter}, controllers and the error handlers) runs inside the
 * request's context.
 * <p>
 * Per request it resolves the {@link RequestIdContext} from the headers, exposes the ID
 * as the request's {@link ServerHttpRequest#getId() ID} (which Spring uses as
 * {@link ServerWebExchange#LOG_ID_ATTRIBUTE}, so the framework's own log lines match),
 * writes the context into the Reactor {@code Context}, and sets the ID on the response
 * under the primary header before anything else can commit it, so error responses and
 * early commits carry it too. On Reactor Netty, the {@link NettyResponseRequestIdHandler}
 * puts the ID back should the application remove the header.
 */
public final class RequestContextHttpHandler implements HttpHandler {

	/** The source tag of HTTP requests in metrics and logs. */
	private static final String SOURCE = "http";

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils.isPresent("reactor.netty.Connection",
			RequestContextHttpHandler.class.getClassLoader());

	private final HttpHandler delegate;

	private final InboundContextResolver resolver;

	private final String responseHeader;

	private final ConnectionPeers peers;

	/**
	 * Create a handler.
	 * @param delegate the handler to wrap
	 * @param resolver resolves each request's context
	 */
	public RequestContextHttpHandler(HttpHandler delegate, InboundContextResolver resolver) {
		this.delegate = delegate;
		this.resolver = resolver;
		this.responseHeader = resolver.idHeaders().get(0);
		this.peers = new ConnectionPeers(resolver.policy().trust() == RequestIdTrust.TRUSTED_PROXIES);
	}

	/**
	 * A decorator factory that wraps any {@link HttpHandler} with this one. Spring's
	 * {@code WebHttpHandlerBuilder} applies every such bean.
	 * @param resolver resolves each request's context
	 * @return the factory
	 */
	public static HttpHandlerDecoratorFactory decoratorFactory(InboundContextResolver resolver) {
		return (handler) -> new RequestContextHttpHandler(handler, resolver);
	}

	@Override
	public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
		HttpHeaders requestHeaders = request.getHeaders();
		// The socket's peer decides, never the forwarded headers (see ConnectionPeers).
		boolean trusted = this.resolver.policy().isTrustedPeer(this.peers.of(request));
		RequestIdContext context = this.resolver.resolve(requestHeaders::getOrEmpty, trusted, SOURCE);
		String requestId = context.requestId();
		response.getHeaders().set(this.responseHeader, requestId);
		// Not a beforeCommit action: any commit action takes Spring off its fast commit
		// path, which cost a small endpoint about a tenth of its CPU per request
		// (docs/benchmarks.md).
		if (REACTOR_NETTY_PRESENT && request instanceof AbstractServerHttpRequest serverRequest) {
			NettyResponseRequestIdHandler.rememberRequestId(serverRequest.getNativeRequest(), requestId);
		}
		ServerHttpRequest identified = new IdentifiedRequest(request, context);
		// Open the context for work done while the chain is assembled; it is restored
		// (not just cleared) when this returns, so nothing stays behind on the event
		// loop. The subscription and every signal of the exchange (which Reactor Netty
		// delivers on the event loop) run inside it too, and it writes the context into
		// the Reactor Context the chain sees (no contextWrite of our own: one operator
		// and one Context less).
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(context)) {
			return RequestContextRestoring.serving(this.delegate.handle(identified, response), context);
		}
	}

	/**
	 * Exposes the request ID as the request's ID, and delivers the body (read later, on
	 * the event loop) inside the request's context.
	 */
	private static final class IdentifiedRequest extends ServerHttpRequestDecorator {

		private final RequestIdContext context;

		IdentifiedRequest(ServerHttpRequest delegate, RequestIdContext context) {
			super(delegate);
			this.context = context;
		}

		@Override
		public String getId() {
			return this.context.requestId();
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return RequestContextRestoring.flux(super.getBody(), this.context);
		}

	}

}
