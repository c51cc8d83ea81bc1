package dev.contextstarter.it.webflux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

import dev.contextstarter.requestid.CidrRange;
import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdRejectionListener;
import dev.contextstarter.requestid.RequestIdTrust;
import dev.contextstarter.requestid.webflux.RequestContextHttpHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy connected over a Unix domain socket (a sidecar, say) has no IP address for the
 * ranges to match: it is trusted only when {@code trust-unix-socket-peers} says so, even
 * when the ranges cover every IP address. A real Reactor Netty server listens on the
 * socket.
 */
class UnixDomainSocketPeerTests {

	@TempDir
	Path directory;

	private DisposableServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(10));
		}
	}

	@Test
	void unixSocketPeerIsNotTrustedByDefaultEvenWithEveryIpRange() {
		assertThat(call(start(false))).isEqualTo("id=generated-1 tenant=null");
	}

	@Test
	void unixSocketPeerIsTrustedWhenConfigured() {
		assertThat(call(start(true))).isEqualTo("id=from-sidecar-1 tenant=tenant-a");
	}

	private DomainSocketAddress start(boolean trustUnixSocketPeers) {
		RequestIdPolicy policy = new RequestIdPolicy(1, 128, RequestIdTrust.TRUSTED_PROXIES,
				List.of(CidrRange.parse("0.0.0.0/0"), CidrRange.parse("::/0")), trustUnixSocketPeers,
				() -> "generated-1", RequestIdRejectionListener.NONE);
		InboundContextResolver resolver = new InboundContextResolver(policy, List.of("X-Request-ID"),
				List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId")));
		HttpHandler application = (request, response) -> {
			RequestIdContext context = RequestIdContextHolder.current();
			String seen = "id=" + context.requestId() + " tenant=" + context.field("tenant");
			return response
				.writeWith(Mono.just(response.bufferFactory().wrap(seen.getBytes(StandardCharsets.US_ASCII))));
		};
		DomainSocketAddress address = new DomainSocketAddress(this.directory.resolve("server.sock").toFile());
		this.server = HttpServer.create()
			.bindAddress(() -> address)
			.handle(new ReactorHttpHandlerAdapter(new RequestContextHttpHandler(application, resolver)))
			.bindNow(Duration.ofSeconds(10));
		return address;
	}

	private static String call(DomainSocketAddress address) {
		return HttpClient.create()
			.remoteAddress(() -> address)
			.headers((headers) -> headers.add("X-Request-ID", "from-sidecar-1")
				.add("X-Tenant-ID", "tenant-a")
				.add("X-Forwarded-For", "10.1.1.1"))
			.get()
			.uri("/")
			.responseSingle((response, body) -> body.asString())
			.block(Duration.ofSeconds(10));
	}

}
