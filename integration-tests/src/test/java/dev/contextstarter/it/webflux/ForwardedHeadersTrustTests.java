package dev.contextstarter.it.webflux;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code trusted-proxies} trusts the peer of the TCP connection (the last hop), whatever
 * the forward-headers strategy and whatever forwarded headers claim. The test client
 * connects from 127.0.0.1 (outside the trusted ranges) or from 127.0.0.2 (the trusted
 * proxy), and its forwarded headers claim addresses inside the trusted ranges (127.0.0.2,
 * 10.0.0.0/8, 2001:db8::/32).
 * <p>
 * For each strategy the application is first shown to see the forwarded address (so the
 * strategy really rewrote it); then an untrusted peer never gets its ID or tenant
 * accepted, whichever header it sends, and the trusted proxy always does, whichever
 * client it forwards.
 */
class ForwardedHeadersTrustTests {

	static final String TRUSTED_PROXY = "127.0.0.2";

	static final String UNTRUSTED_PEER = "127.0.0.1";

	static Stream<Arguments> forwardedClaims() {
		return Stream.of(claim("X-Forwarded-For IPv4", "X-Forwarded-For", "10.1.1.1"),
				claim("X-Forwarded-For the trusted proxy", "X-Forwarded-For", TRUSTED_PROXY),
				claim("X-Forwarded-For IPv6", "X-Forwarded-For", "2001:db8::1"),
				claim("X-Forwarded-For IPv4-mapped", "X-Forwarded-For", "::ffff:10.1.1.1"),
				claim("X-Forwarded-For chain", "X-Forwarded-For", "203.0.113.7, 10.1.1.1, 127.0.0.2"),
				claim("X-Forwarded-For chain, trusted first", "X-Forwarded-For", "10.1.1.1, 203.0.113.7"),
				claim("X-Forwarded-For twice", "X-Forwarded-For", "10.1.1.1", "X-Forwarded-For", "127.0.0.2"),
				claim("Forwarded IPv4", "Forwarded", "for=10.1.1.1"),
				claim("Forwarded the trusted proxy", "Forwarded", "for=127.0.0.2;proto=http;by=127.0.0.2"),
				claim("Forwarded IPv6", "Forwarded", "for=\"[2001:db8::1]\""),
				claim("Forwarded IPv6 with port", "Forwarded", "for=\"[2001:db8::1]:4711\""),
				claim("Forwarded IPv4-mapped", "Forwarded", "for=\"[::ffff:10.1.1.1]\""),
				claim("Forwarded chain", "Forwarded", "for=10.1.1.1, for=\"[2001:db8::2]\", for=127.0.0.2"),
				claim("Forwarded twice", "Forwarded", "for=10.1.1.1", "Forwarded", "for=127.0.0.2"),
				claim("X-Real-IP", "X-Real-IP", "10.1.1.1"),
				claim("X-Forwarded-For with host and port", "X-Forwarded-For", "10.1.1.1", "X-Forwarded-Host",
						"proxy.internal", "X-Forwarded-Port", "443", "X-Forwarded-Proto", "https"));
	}

	/** A description, then header names and values in turn. */
	private static Arguments claim(String description, String... headerNamesAndValues) {
		return Arguments.of(description, List.of(headerNamesAndValues));
	}

	/** The same claims, made by the trusted proxy for any client. */
	static Stream<Arguments> proxiedClaims() {
		return Stream.of(claim("X-Forwarded-For outsider", "X-Forwarded-For", "203.0.113.7"),
				claim("X-Forwarded-For chain", "X-Forwarded-For", "203.0.113.7, 198.51.100.1"),
				claim("Forwarded IPv6 outsider", "Forwarded", "for=\"[2001:db9::1]\""),
				claim("Forwarded IPv4 outsider", "Forwarded", "for=203.0.113.7"),
				claim("X-Real-IP outsider", "X-Real-IP", "203.0.113.7"));
	}

	@TestPropertySource(properties = { "context.request-id.trust=trusted-proxies",
			"context.request-id.trusted-proxies=127.0.0.2/32,10.0.0.0/8,2001:db8::/32",
			"context.fields.tenant.header=X-Tenant-ID", "context.fields.tenant.mdc-key=tenantId" })
	abstract static class Strategy {

		@LocalServerPort
		int port;

		/**
		 * What the application sees as the client's address when 127.0.0.1 sends
		 * {@code X-Forwarded-For: 10.1.1.1}: the forwarded address, unless the strategy
		 * is {@code none}.
		 * @return the address the strategy gives the application
		 */
		String remoteAddressSeenByApplication() {
			return "10.1.1.1";
		}

		@Test
		void strategyRewritesTheAddressTheApplicationSees() {
			String seen = client(UNTRUSTED_PEER).get()
				.uri("/remote-address")
				.header("X-Forwarded-For", "10.1.1.1")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(seen).contains(remoteAddressSeenByApplication());
		}

		@ParameterizedTest(name = "{0}")
		@MethodSource("dev.contextstarter.it.webflux.ForwardedHeadersTrustTests#forwardedClaims")
		void untrustedPeerNeverGetsItsIdOrFieldsAccepted(String description, List<String> headers) {
			Seen seen = echo(UNTRUSTED_PEER, headers);
			assertThat(seen.responseId()).as(description).matches(WebFluxRequestContextTests.UUID_V4);
			assertThat(seen.body()).as(description)
				.containsEntry("holder", seen.responseId())
				.containsEntry("tenant", "null")
				.containsEntry("tenantMdc", "null");
		}

		@ParameterizedTest(name = "{0}")
		@MethodSource("dev.contextstarter.it.webflux.ForwardedHeadersTrustTests#proxiedClaims")
		void trustedProxyGetsItsIdAndFieldsAcceptedWhateverClientItForwards(String description, List<String> headers) {
			Seen seen = echo(TRUSTED_PROXY, headers);
			assertThat(seen.responseId()).as(description).isEqualTo("spoofed-id-1");
			assertThat(seen.body()).as(description)
				.containsEntry("holder", "spoofed-id-1")
				.containsEntry("tenant", "tenant-a")
				.containsEntry("tenantMdc", "tenant-a");
		}

		@Test
		void trustedProxyWithoutForwardedHeadersIsTrusted() {
			Seen seen = echo(TRUSTED_PROXY, List.of());
			assertThat(seen.responseId()).isEqualTo("spoofed-id-1");
			assertThat(seen.body()).containsEntry("tenant", "tenant-a");
		}

		@Test
		void untrustedPeerWithoutForwardedHeadersIsNotTrusted() {
			Seen seen = echo(UNTRUSTED_PEER, List.of());
			assertThat(seen.responseId()).matches(WebFluxRequestContextTests.UUID_V4);
			assertThat(seen.body()).containsEntry("tenant", "null");
		}

		private Seen echo(String localAddress, List<String> headers) {
			return ForwardedHeadersTrustTests.echo(this.port, localAddress, headers);
		}

		private WebClient client(String localAddress) {
			return ForwardedHeadersTrustTests.client(this.port, localAddress);
		}

	}

	static Seen echo(int port, String localAddress, List<String> headers) {
		ResponseEntity<Map<String, String>> response = client(port, localAddress).get().uri("/echo").headers((http) -> {
			http.add("X-Request-ID", "spoofed-id-1");
			http.add("X-Tenant-ID", "tenant-a");
			for (int i = 0; i < headers.size(); i += 2) {
				http.add(headers.get(i), headers.get(i + 1));
			}
		}).retrieve().toEntity(new ParameterizedTypeReference<Map<String, String>>() {
		}).block(Duration.ofSeconds(10));
		assertThat(response).isNotNull();
		return new Seen(response.getHeaders().getFirst("X-Request-ID"), response.getBody());
	}

	static boolean ipv6LoopbackAvailable() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static WebClient client(int port, String localAddress) {
		// The connection's source address is the peer the server sees: 127.0.0.0/8 is all
		// loopback on Linux, so 127.0.0.2 is a second client host on this machine.
		HttpClient http = HttpClient.create().bindAddress(() -> new InetSocketAddress(localAddress, 0));
		String host = localAddress.contains(":") ? "[::1]" : "127.0.0.1";
		return WebClient.builder()
			.baseUrl("http://" + host + ":" + port)
			.clientConnector(new ReactorClientHttpConnector(http))
			.build();
	}

	record Seen(String responseId, Map<String, String> body) {

	}

	@Nested
	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "server.forward-headers-strategy=none")
	class NoneStrategy extends Strategy {

		@Override
		String remoteAddressSeenByApplication() {
			return "/127.0.0.1:";
		}

	}

	@Nested
	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "server.forward-headers-strategy=framework")
	class FrameworkStrategy extends Strategy {

	}

	@Nested
	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "server.forward-headers-strategy=native")
	class NativeStrategy extends Strategy {

	}

	/**
	 * IPv6 and IPv4-mapped ranges on a real server (native strategy): the IPv4 peer
	 * 127.0.0.2 matches the mapped range {@code ::ffff:127.0.0.2/128}, the IPv6 peer ::1
	 * its range, and neither range is reachable through a forwarded header.
	 */
	@Nested
	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.forward-headers-strategy=native", "context.request-id.trust=trusted-proxies",
					"context.request-id.trusted-proxies=::ffff:127.0.0.2/128,::1/128",
					"context.fields.tenant.header=X-Tenant-ID", "context.fields.tenant.mdc-key=tenantId" })
	class Ipv6AndMappedRanges {

		@LocalServerPort
		int port;

		@Test
		void ipv4PeerMatchesItsMappedRange() {
			assertThat(echo(this.port, TRUSTED_PROXY, List.of()).responseId()).isEqualTo("spoofed-id-1");
		}

		@Test
		void ipv6PeerMatchesItsRange() {
			assumeTrue(ipv6LoopbackAvailable(), "this machine has no IPv6 loopback address ::1");
			Seen seen = echo(this.port, "::1", List.of());
			assertThat(seen.responseId()).isEqualTo("spoofed-id-1");
			assertThat(seen.body()).containsEntry("tenant", "tenant-a");
		}

		@Test
		void untrustedIpv4PeerClaimingTrustedIpv6OrMappedAddressesIsNotTrusted() {
			for (List<String> claim : List.of(List.of("X-Forwarded-For", "::1"), List.of("Forwarded", "for=\"[::1]\""),
					List.of("Forwarded", "for=\"[::ffff:127.0.0.2]\""),
					List.of("X-Forwarded-For", "::ffff:127.0.0.2"))) {
				Seen seen = echo(this.port, UNTRUSTED_PEER, claim);
				assertThat(seen.responseId()).as(claim.toString()).matches(WebFluxRequestContextTests.UUID_V4);
				assertThat(seen.body()).as(claim.toString()).containsEntry("tenant", "null");
			}
		}

	}

	/** No strategy set: on Kubernetes Spring Boot turns the native one on by itself. */
	@Nested
	@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "spring.main.cloud-platform=kubernetes")
	class KubernetesPlatform extends Strategy {

	}

}
