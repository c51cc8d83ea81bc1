package dev.contextstarter.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Misconfigured sample properties fail at startup, naming the property.
 */
class SamplePropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaultsBind() {
		this.runner.run((context) -> {
			SampleProperties properties = context.getBean(SampleProperties.class);
			assertThat(properties.getBroker()).isEqualTo(BrokerMode.EMBEDDED);
			assertThat(properties.getEmbeddedBroker().getPort()).isEqualTo(5673);
			assertThat(properties.getOrders().isProcessing()).isTrue();
			assertThat(properties.getDemo().isBlockingEndpoint()).isFalse();
		});
	}

	@Test
	void portOutOfRangeFails() {
		assertFailure("sample.embedded-broker.port=70000", "sample.embedded-broker.port");
	}

	@Test
	void blankQueueFails() {
		assertFailure("sample.orders.queue= ", "sample.orders.queue");
	}

	@Test
	void inventoryUrlMustBeHttp() {
		assertFailure("sample.orders.inventory-url=ftp://example.org", "sample.orders.inventory-url");
	}

	@Test
	void unknownBrokerModeFails() {
		assertFailure("sample.broker=cloud", "sample.broker");
	}

	private void assertFailure(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isNotNull();
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			assertThat(messages.toString()).contains(name);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SampleProperties.class)
	static class PropertiesConfiguration {

	}

}
