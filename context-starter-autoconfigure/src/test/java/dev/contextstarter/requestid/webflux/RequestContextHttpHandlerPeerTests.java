package dev.contextstarter.requestid.webflux;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import dev.contextstarter.requestid.CidrRange;
import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdRejectionListener;
import dev.contextstarter.requestid.RequestIdTrust;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a server other than Reactor Netty (here a request that, like a Servlet container's,
 * only tells a remote address that forwarded headers may have rewritten) the connection's
 * peer is unknown: under {@code trusted-proxies} nothing is trusted, and a warning says
 * why, once. The Reactor Netty cases run on a real server in the integration tests
 * ({@code ForwardedHeadersTrustTests}).
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestContextHttpHandlerPeerTests {

	private final AtomicReference<RequestIdContext> seen = new AtomicReference<>();

	@Test
	void remoteAddressOfAnotherServerIsNeverTrusted(CapturedOutput output) {
		RequestContextHttpHandler handler = handler(RequestIdTrust.TRUSTED_PROXIES);
		for (int i = 0; i < 2; i++) {
			RequestIdContext seen = handle(handler, "10.1.1.1");
			assertThat(seen.requestId()).isEqualTo("generated");
			assertThat(seen.field("tenant")).isNull();
		}
		assertThat(output.getAll().split("cannot see the connection's peer", -1)).hasSize(2);
		assertThat(output.getAll()).contains("context.request-id.trust=trusted-proxies");
	}

	@Test
	void peerIsNotLookedUpWhenTrustDoesNotDependOnIt(CapturedOutput output) {
		RequestIdContext seen = handle(handler(RequestIdTrust.IF_VALID), "203.0.113.7");
		assertThat(seen.requestId()).isEqualTo("chosen-1");
		assertThat(seen.field("tenant")).isEqualTo("tenant-a");
		assertThat(output.getAll()).doesNotContain("cannot see the connection's peer");
	}

	private RequestContextHttpHandler handler(RequestIdTrust trust) {
		RequestIdPolicy policy = new RequestIdPolicy(1, 128, trust, List.of(CidrRange.parse("10.0.0.0/8")),
				() -> "generated", RequestIdRejectionListener.NONE);
		InboundContextResolver resolver = new InboundContextResolver(policy, List.of("X-Request-ID"),
				List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId")));
		return new RequestContextHttpHandler(
				(request, response) -> Mono.fromRunnable(() -> this.seen.set(RequestIdContextHolder.current())),
				resolver);
	}

	private RequestIdContext handle(RequestContextHttpHandler handler, String remoteAddress) {
		this.seen.set(null);
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Request-ID", "chosen-1");
		headers.add("X-Tenant-ID", "tenant-a");
		handler
			.handle(new OtherServerRequest(headers, new InetSocketAddress(remoteAddress, 4711)),
					new MockServerHttpResponse())
			.block(Duration.ofSeconds(5));
		assertThat(this.seen.get()).isNotNull();
		return this.seen.get();
	}

	/**
	 * A request of a server that is not Reactor Netty: its native request is its own
	 * object, and its remote address is whatever the server (or its forwarded-header
	 * support) says.
	 */
	private static final class OtherServerRequest extends AbstractServerHttpRequest {

		private final Object nativeRequest = new Object();

		private final InetSocketAddress remoteAddress;

		OtherServerRequest(HttpHeaders headers, InetSocketAddress remoteAddress) {
			super(HttpMethod.GET, URI.create("http://localhost/"), "", headers);
			this.remoteAddress = remoteAddress;
		}

		@Override
		public InetSocketAddress getRemoteAddress() {
			return this.remoteAddress;
		}

		@Override
		protected MultiValueMap<String, HttpCookie> initCookies() {
			return new LinkedMultiValueMap<>();
		}

		@Override
		protected @Nullable SslInfo initSslInfo() {
			return null;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> T getNativeRequest() {
			return (T) this.nativeRequest;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.empty();
		}

	}

}
