package dev.contextstarter.requestid.tracing.autoconfigure;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import brave.baggage.BaggageField;
import brave.baggage.CorrelationScopeConfig;
import brave.baggage.CorrelationScopeConfig.SingleCorrelationField;
import brave.baggage.CorrelationScopeCustomizer;
import brave.baggage.CorrelationScopeDecorator;
import brave.internal.CorrelationContext;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class TracingRequestContextAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RequestContextAutoConfiguration.class, TracingRequestContextAutoConfiguration.class));

	@Test
	void leavesTheStartersMdcKeysOutOfBravesCorrelationAndKeepsTheOthers() {
		this.runner
			.withPropertyValues("context.fields.tenant.header=X-Tenant-ID", "context.fields.tenant.mdc-key=tenantId")
			.run((context) -> {
				CorrelationScopeDecorator.Builder builder = new TestBuilder();
				builder.add(SingleCorrelationField.create(BaggageField.create("requestId")));
				builder.add(SingleCorrelationField.create(BaggageField.create("tenantId")));
				builder.add(SingleCorrelationField.create(BaggageField.create("region")));
				context.getBean(CorrelationScopeCustomizer.class).customize(builder);
				assertThat(builder.configs()).extracting((config) -> ((SingleCorrelationField) config).name())
					.containsExactlyInAnyOrder("traceId", "spanId", "region");
			});
	}

	@Test
	void leavesBravesConfigAloneWhenNoKeyIsOurs() {
		this.runner.withPropertyValues("context.request-id.mdc-key=rid").run((context) -> {
			CorrelationScopeDecorator.Builder builder = new TestBuilder();
			builder.add(SingleCorrelationField.create(BaggageField.create("requestId")));
			Set<CorrelationScopeConfig> before = builder.configs();
			context.getBean(CorrelationScopeCustomizer.class).customize(builder);
			assertThat(builder.configs()).isEqualTo(before);
		});
	}

	@Test
	void offWhenTurnedOff() {
		this.runner.withPropertyValues("context.tracing.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CorrelationScopeCustomizer.class));
		this.runner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CorrelationScopeCustomizer.class));
	}

	@Test
	void offWithoutBrave() {
		this.runner.withClassLoader(new FilteredClassLoader(CorrelationScopeCustomizer.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("mdcKeyCorrelationScopeCustomizer"));
	}

	/**
	 * A builder over a plain map, as Brave's MDC builder is over the MDC.
	 */
	static final class TestBuilder extends CorrelationScopeDecorator.Builder {

		TestBuilder() {
			super(new MapCorrelationContext());
		}

	}

	static final class MapCorrelationContext implements CorrelationContext {

		private final Map<String, String> values = new HashMap<>();

		@Override
		public String getValue(String name) {
			return this.values.get(name);
		}

		@Override
		public boolean update(String name, String value) {
			this.values.put(name, value);
			return true;
		}

	}

}
