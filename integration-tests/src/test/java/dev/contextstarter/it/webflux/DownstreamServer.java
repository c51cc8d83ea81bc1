package dev.contextstarter.it.webflux;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A second real HTTP server (plain Reactor Netty, no Spring) that answers with the
 * request ID and tenant headers it received, as {@code id|tenant}.
 */
final class DownstreamServer implements AutoCloseable {

	private final DisposableServer server;

	private DownstreamServer(DisposableServer server) {
		this.server = server;
	}

	static DownstreamServer start() {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/downstream",
					(request,
							response) -> response.sendString(Mono.just(request.requestHeaders().get("X-Request-ID")
									+ "|" + request.requestHeaders().get("X-Tenant-ID")))))
			.bindNow();
		return new DownstreamServer(server);
	}

	String url() {
		return "http://127.0.0.1:" + this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
