package dev.contextstarter.requestid.webflux;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.ClassUtils;

/**
 * Finds the address of the peer of the connection a request arrived on: the socket's
 * other end, the last hop. Never {@link ServerHttpRequest#getRemoteAddress()}: with
 * {@code server.forward-headers-strategy=native} (Boot's default on Kubernetes, Cloud
 * Foundry and Heroku) Reactor Netty fills that from {@code Forwarded} and
 * {@code X-Forwarded-For}, which any client can send, and Spring's
 * {@code ForwardedHeaderTransformer} does the same with the {@code framework} strategy.
 * <p>
 * Only Reactor Netty exposes the connection's own peer; on any other server the peer is
 * unknown, so no peer is a trusted proxy there, and a warning says so once.
 */
final class ConnectionPeers {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionPeers.class);

	private static final boolean REACTOR_NETTY_HTTP_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.HttpServerRequest", ConnectionPeers.class.getClassLoader());

	private final boolean peerDecidesTrust;

	private final AtomicBoolean warned = new AtomicBoolean();

	/**
	 * Create a lookup.
	 * @param peerDecidesTrust whether the peer is needed at all (trust mode
	 * {@code trusted-proxies}); if not, no lookup is made
	 */
	ConnectionPeers(boolean peerDecidesTrust) {
		this.peerDecidesTrust = peerDecidesTrust;
	}

	/**
	 * The peer of the connection a request arrived on.
	 * @param request the request, as the server handed it over (or decorated)
	 * @return the peer's address ({@code InetSocketAddress}, or a Unix domain socket
	 * address), or {@code null} when the server does not tell or the peer does not decide
	 * trust
	 */
	@Nullable SocketAddress of(ServerHttpRequest request) {
		if (!this.peerDecidesTrust) {
			return null;
		}
		Object nativeRequest = nativeRequest(request);
		if (REACTOR_NETTY_HTTP_PRESENT && nativeRequest != null) {
			SocketAddress peer = ReactorNetty.connectionPeer(nativeRequest);
			if (peer != null) {
				return peer;
			}
		}
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("context.request-id.trust=trusted-proxies cannot see the connection's peer on this server ("
					+ ((nativeRequest != null) ? nativeRequest.getClass().getName() : request.getClass().getName())
					+ "): only Reactor Netty tells it apart from forwarded headers, so no inbound request ID or"
					+ " context field is trusted here");
		}
		return null;
	}

	private static @Nullable Object nativeRequest(ServerHttpRequest request) {
		if (request instanceof AbstractServerHttpRequest || request instanceof ServerHttpRequestDecorator) {
			try {
				return ServerHttpRequestDecorator.getNativeRequest(request);
			}
			catch (IllegalArgumentException ex) {
				// A decorator around a request of an unknown kind.
				return null;
			}
		}
		return null;
	}

	/** Touches Reactor Netty's types only when they are present. */
	private static final class ReactorNetty {

		static @Nullable SocketAddress connectionPeer(Object nativeRequest) {
			// The connection's remote address: what the socket reports, untouched by the
			// forwarded-header handling that rewrites remoteAddress() (HTTP/2 and HTTP/3
			// streams report their connection's peer).
			return (nativeRequest instanceof HttpServerRequest request) ? request.connectionRemoteAddress() : null;
		}

	}

}
