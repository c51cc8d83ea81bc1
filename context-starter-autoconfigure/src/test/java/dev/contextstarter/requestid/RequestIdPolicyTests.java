package dev.contextstarter.requestid;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RequestIdPolicyTests {

	private final List<String> rejections = new ArrayList<>();

	private RequestIdPolicy policy(RequestIdTrust trust, String... proxies) {
		return new RequestIdPolicy(1, 128, trust, List.of(proxies).stream().map(CidrRange::parse).toList(),
				() -> "generated", (source, reason) -> this.rejections.add(source + ":" + reason.tagValue()));
	}

	@Test
	void acceptsTheAllowedAlphabetWithinBounds() {
		RequestIdPolicy policy = policy(RequestIdTrust.IF_VALID);
		assertThat(policy.isValid("AZaz09_.:+/=-")).isTrue();
		assertThat(policy.isValid("a".repeat(128))).isTrue();
		assertThat(policy.isValid("a".repeat(129))).isFalse();
		assertThat(policy.isValid("")).isFalse();
		for (String bad : List.of(" ", "a b", "a\tb", "a\r\nb", "a,b", "a;b", "caf\u00e9", "a\u2028", "${x}", "%0d",
				"a\u0000", "\u001b[31m")) {
			assertThat(policy.isValid(bad)).as(bad).isFalse();
		}
	}

	@Test
	void replacesAndReportsMissingMultipleInvalidUntrusted() {
		InboundContextResolver resolver = new InboundContextResolver(policy(RequestIdTrust.IF_VALID),
				List.of("X-Request-ID"), List.of());
		assertThat(resolveId(resolver, List.of(), true, "http")).isEqualTo("generated");
		assertThat(resolveId(resolver, List.of("a", "b"), true, "http")).isEqualTo("generated");
		assertThat(resolveId(resolver, List.of("a b"), true, "http")).isEqualTo("generated");
		assertThat(resolveId(resolver, java.util.Collections.singletonList(null), true, "amqp")).isEqualTo("generated");
		assertThat(resolveId(resolver, List.of("ok-1"), false, "http")).isEqualTo("generated");
		assertThat(resolveId(resolver, List.of("ok-2"), true, "http")).isEqualTo("ok-2");
		assertThat(this.rejections).containsExactly("http:missing", "http:multiple", "http:invalid", "amqp:invalid",
				"http:untrusted");
	}

	@Test
	void trustModes() throws Exception {
		InetAddress loopback = InetAddress.getByName("127.0.0.1");
		InetAddress other = InetAddress.getByName("10.1.2.3");
		assertThat(policy(RequestIdTrust.IF_VALID).isTrusted(null)).isTrue();
		assertThat(policy(RequestIdTrust.NEVER).isTrusted(loopback)).isFalse();
		RequestIdPolicy proxies = policy(RequestIdTrust.TRUSTED_PROXIES, "127.0.0.0/8", "::1/128");
		assertThat(proxies.isTrusted(loopback)).isTrue();
		assertThat(proxies.isTrusted(InetAddress.getByName("::1"))).isTrue();
		assertThat(proxies.isTrusted(other)).isFalse();
		assertThat(proxies.isTrusted(null)).isFalse();
	}

	@Test
	void connectionPeerIsTrustedOnlyWithinTheRanges() throws Exception {
		RequestIdPolicy proxies = policy(RequestIdTrust.TRUSTED_PROXIES, "10.0.0.0/8", "2001:db8::/32");
		assertThat(proxies.isTrustedPeer(new InetSocketAddress(InetAddress.getByName("10.1.1.1"), 4711))).isTrue();
		assertThat(proxies.isTrustedPeer(new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 4711))).isTrue();
		assertThat(proxies.isTrustedPeer(new InetSocketAddress(InetAddress.getByName("::ffff:10.1.1.1"), 1))).isTrue();
		assertThat(proxies.isTrustedPeer(new InetSocketAddress(InetAddress.getByName("11.1.1.1"), 4711))).isFalse();
		assertThat(proxies.isTrustedPeer(new InetSocketAddress(InetAddress.getByName("2001:db9::5"), 1))).isFalse();
		// A host name is a claim, not a peer: never resolved, never trusted.
		assertThat(proxies.isTrustedPeer(InetSocketAddress.createUnresolved("10.1.1.1", 4711))).isFalse();
		assertThat(proxies.isTrustedPeer(null)).isFalse();
		assertThat(proxies.isTrustedPeer(new SocketAddress() {
		})).isFalse();
	}

	@Test
	void unixDomainSocketPeerIsTrustedOnlyWhenConfigured() {
		SocketAddress unixPeer = UnixDomainSocketAddress.of("/run/proxy.sock");
		assertThat(policy(RequestIdTrust.TRUSTED_PROXIES, "0.0.0.0/0", "::/0").isTrustedPeer(unixPeer)).isFalse();
		RequestIdPolicy unixTrusted = new RequestIdPolicy(1, 128, RequestIdTrust.TRUSTED_PROXIES, List.of(), true,
				() -> "generated", RequestIdRejectionListener.NONE);
		assertThat(unixTrusted.isTrustedPeer(unixPeer)).isTrue();
		assertThat(unixTrusted.isTrustedPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1))).isFalse();
	}

	@Test
	void peerMattersOnlyUnderTrustedProxies() {
		SocketAddress unixPeer = UnixDomainSocketAddress.of("/run/proxy.sock");
		assertThat(policy(RequestIdTrust.IF_VALID).isTrustedPeer(null)).isTrue();
		assertThat(policy(RequestIdTrust.IF_VALID).isTrustedPeer(unixPeer)).isTrue();
		assertThat(policy(RequestIdTrust.NEVER).isTrustedPeer(unixPeer)).isFalse();
		assertThat(policy(RequestIdTrust.NEVER, "127.0.0.0/8")
			.isTrustedPeer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1))).isFalse();
	}

	@Test
	void boundsAreChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RequestIdPolicy(1, 256, RequestIdTrust.IF_VALID,
				List.of(), () -> "x", RequestIdRejectionListener.NONE));
		assertThatIllegalArgumentException().isThrownBy(() -> new RequestIdPolicy(5, 4, RequestIdTrust.IF_VALID,
				List.of(), () -> "x", RequestIdRejectionListener.NONE));
	}

	@Test
	void resolverTakesTheFirstValidHeaderAndValidFields() {
		InboundContextResolver resolver = new InboundContextResolver(policy(RequestIdTrust.IF_VALID),
				List.of("X-Request-ID", "X-Correlation-ID"),
				List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId"),
						new ContextField("region", "X-Region", "region")));
		Map<String, List<String>> headers = Map.of("X-Request-ID", List.of("bad value"), "X-Correlation-ID",
				List.of("corr-1"), "X-Tenant-ID", List.of("acme"), "X-Region", List.of("eu west"));
		RequestIdContext context = resolver.resolve((name) -> new ArrayList<>(headers.getOrDefault(name, List.of())),
				true, "http");
		assertThat(context.requestId()).isEqualTo("corr-1");
		assertThat(context.fields()).containsExactly(Map.entry("tenant", "acme"));
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void untrustedSenderGetsNewIdAndNoFields() {
		InboundContextResolver resolver = new InboundContextResolver(policy(RequestIdTrust.NEVER),
				List.of("X-Request-ID"), List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId")));
		Map<String, List<String>> headers = Map.of("X-Request-ID", List.of("ok-1"), "X-Tenant-ID", List.of("acme"));
		RequestIdContext context = resolver.resolve((name) -> new ArrayList<>(headers.getOrDefault(name, List.of())),
				false, "http");
		assertThat(context).isEqualTo(RequestIdContext.of("generated"));
		assertThat(this.rejections).containsExactly("http:untrusted");
	}

	private static String resolveId(InboundContextResolver resolver, List<@Nullable String> values, boolean trusted,
			String source) {
		return resolver.resolve((name) -> values, trusted, source).requestId();
	}

}
