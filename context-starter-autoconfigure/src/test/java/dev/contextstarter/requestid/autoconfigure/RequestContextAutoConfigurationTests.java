package dev.contextstarter.requestid.autoconfigure;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdGenerator;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdRejection;
import dev.contextstarter.requestid.RequestIdRejectionListener;
import dev.contextstarter.requestid.RequestIdTrust;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class RequestContextAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RequestContextAutoConfiguration.class));

	@Test
	void defaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RequestIdPolicy.class)
				.hasSingleBean(InboundContextResolver.class)
				.hasSingleBean(RandomUuidGenerator.class);
			InboundContextResolver resolver = context.getBean(InboundContextResolver.class);
			assertThat(resolver.idHeaders()).containsExactly("X-Request-ID");
			assertThat(resolver.policy().trust()).isEqualTo(RequestIdTrust.IF_VALID);
			assertThat(resolver.policy().isValid("a".repeat(128))).isTrue();
			assertThat(resolver.policy().isValid("a".repeat(129))).isFalse();
			assertThat(RequestIdContextHolder.mdcMapping().requestIdKey()).isEqualTo("requestId");
		});
	}

	@Test
	void propertiesShapeThePolicyAndMdcMappingWhichIsResetOnClose() {
		this.contextRunner.withPropertyValues("context.request-id.headers=X-Correlation-ID,X-Request-ID",
				"context.request-id.min-length=4", "context.request-id.max-length=10", "context.request-id.mdc-key=rid",
				"context.fields.tenant.header=X-Tenant-ID", "context.fields.tenant.mdc-key=tenantId")
			.run((context) -> {
				InboundContextResolver resolver = context.getBean(InboundContextResolver.class);
				assertThat(resolver.idHeaders()).containsExactly("X-Correlation-ID", "X-Request-ID");
				assertThat(resolver.policy().isValid("abc")).isFalse();
				assertThat(resolver.policy().isValid("abcd")).isTrue();
				assertThat(resolver.fields()).singleElement()
					.satisfies((field) -> assertThat(field.mdcKey()).isEqualTo("tenantId"));
				MdcMapping mapping = RequestIdContextHolder.mdcMapping();
				assertThat(mapping.requestIdKey()).isEqualTo("rid");
				assertThat(mapping.fieldKeys()).containsEntry("tenant", "tenantId");
			});
		assertThat(RequestIdContextHolder.mdcMapping()).isSameAs(MdcMapping.defaults());
	}

	@Test
	void turnedOffByItsOwnProperty() {
		this.contextRunner.withPropertyValues("context.request-id.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestIdPolicy.class)
				.doesNotHaveBean(InboundContextResolver.class));
	}

	@Test
	void turnedOffByTheMasterSwitch() {
		this.contextRunner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestIdPolicy.class));
	}

	@Test
	void userGeneratorWins() {
		this.contextRunner.withUserConfiguration(UserGeneratorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RequestIdGenerator.class).doesNotHaveBean(RandomUuidGenerator.class);
			assertThat(context.getBean(RequestIdPolicy.class).replace("test", RequestIdRejection.MISSING))
				.isEqualTo("user-generated");
		});
	}

	@Test
	void rejectionsAreCountedWhenAMeterRegistryExists() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			context.getBean(RequestIdPolicy.class).replace("http", RequestIdRejection.INVALID);
			assertThat(context.getBean(MeterRegistry.class)
				.get("context.requestid.rejected")
				.tag("reason", "invalid")
				.tag("source", "http")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void maxLengthAboveHardCeilingFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.request-id.max-length=256")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.request-id.max-length")
				.hasMessageContaining("must be at most 255"));
	}

	@Test
	void minAboveMaxFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.request-id.min-length=20", "context.request-id.max-length=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.request-id.min-length"));
	}

	@Test
	void malformedCidrFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("context.request-id.trust=trusted-proxies",
					"context.request-id.trusted-proxies=10.0.0.0/8,10.0.0.0/40")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.request-id.trusted-proxies[1]")
				.hasMessageContaining("10.0.0.0/40"));
	}

	@Test
	void trustedProxiesModeWithoutRangesFails() {
		this.contextRunner.withPropertyValues("context.request-id.trust=trusted-proxies")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.request-id.trusted-proxies"));
	}

	@Test
	void trustedProxiesModeWithUnixSocketPeersOnlyStarts() {
		this.contextRunner
			.withPropertyValues("context.request-id.trust=trusted-proxies",
					"context.request-id.trust-unix-socket-peers=true")
			.run((context) -> {
				RequestIdPolicy policy = context.getBean(RequestIdPolicy.class);
				assertThat(policy.isTrustedPeer(UnixDomainSocketAddress.of("/run/proxy.sock"))).isTrue();
				assertThat(policy.isTrustedPeer(new InetSocketAddress("127.0.0.1", 1))).isFalse();
			});
	}

	@Test
	void mappedRangeWiderThanTheMappedBlockFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("context.request-id.trust=trusted-proxies",
					"context.request-id.trusted-proxies=::ffff:10.0.0.0/8")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.request-id.trusted-proxies[0]"));
	}

	@Test
	void fieldWithoutHeaderFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.fields.tenant.mdc-key=tenantId")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("context.fields.tenant.header"));
	}

	@Test
	void aRejectionListenerThatThrowsIsLoggedAndNeitherBreaksTheReplacementNorStopsTheOthers(CapturedOutput output) {
		List<RequestIdRejection> seen = new CopyOnWriteArrayList<>();
		this.contextRunner.withBean("failingListener", RequestIdRejectionListener.class, () -> (source, reason) -> {
			throw new IllegalStateException("failed on purpose");
		})
			.withBean("recordingListener", RequestIdRejectionListener.class, () -> (source, reason) -> seen.add(reason))
			.run((context) -> {
				RequestIdPolicy policy = context.getBean(RequestIdPolicy.class);
				assertThat(policy.isValid(policy.replace("http", RequestIdRejection.INVALID))).isTrue();
				assertThat(seen).containsExactly(RequestIdRejection.INVALID);
				assertThat(output).contains("failed on purpose");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserGeneratorConfiguration {

		@Bean
		RequestIdGenerator userGenerator() {
			return () -> "user-generated";
		}

	}

}
