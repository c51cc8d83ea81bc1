package dev.contextstarter.it.webflux;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An edge service ({@code trust: never}) starts a new ID for every request, and a service
 * that trusts only a proxy range the test client is outside of does too.
 */
class EdgeServiceTrustTests {

	static ResponseEntity<Void> call(int port, String id) {
		return WebClient.create("http://127.0.0.1:" + port)
			.get()
			.uri("/echo")
			.header("X-Request-ID", id)
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
	}

	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "context.request-id.trust=never")
	@org.junit.jupiter.api.Nested
	class Never {

		@LocalServerPort
		int port;

		@Test
		void validInboundIdIsReplaced() {
			assertThat(call(this.port, "from-outside-1").getHeaders().getFirst("X-Request-ID"))
				.matches(WebFluxRequestContextTests.UUID_V4);
		}

	}

	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "context.request-id.trust=trusted-proxies",
					"context.request-id.trusted-proxies=10.0.0.0/8" })
	@org.junit.jupiter.api.Nested
	class UntrustedPeer {

		@LocalServerPort
		int port;

		@Test
		void idFromOutsideTheRangeIsReplaced() {
			assertThat(call(this.port, "from-loopback-1").getHeaders().getFirst("X-Request-ID"))
				.matches(WebFluxRequestContextTests.UUID_V4);
		}

	}

	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "context.request-id.trust=trusted-proxies",
					"context.request-id.trusted-proxies=127.0.0.0/8,::1/128" })
	@org.junit.jupiter.api.Nested
	class TrustedPeer {

		@LocalServerPort
		int port;

		@Test
		void idFromInsideTheRangeIsKept() {
			assertThat(call(this.port, "from-proxy-1").getHeaders().getFirst("X-Request-ID")).isEqualTo("from-proxy-1");
		}

	}

}
