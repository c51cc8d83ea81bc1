package dev.contextstarter.requestid.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;

import dev.contextstarter.requestid.MdcMapping;

/**
 * Contributes a default {@code logging.pattern.correlation} that shows the request ID on
 * every log line, as the lowest-precedence property source: any value the user set wins.
 * <p>
 * Where Boot expects correlation IDs ({@code logging.expect-correlation-id}, which Boot's
 * Micrometer Tracing support turns on), the pattern keeps Boot's own
 * {@code %correlationId} (trace and span IDs, formatted exactly as without the starter)
 * after the request ID: {@code [requestId] [traceId-spanId] }. The choice is made when
 * the logging system reads the property, so it does not depend on the order of the
 * environment post-processors.
 */
public final class RequestContextLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "contextStarterLoggingDefaults";

	static final String CORRELATION_PATTERN = "logging.pattern.correlation";

	static final String EXPECT_CORRELATION_ID = "logging.expect-correlation-id";

	/**
	 * Boot's default correlation pattern, {@code [traceId-spanId] } when tracing is on.
	 */
	static final String BOOT_CORRELATION_PATTERN = "%correlationId";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("context.enabled", Boolean.class, true)
				|| !environment.getProperty("context.request-id.enabled", Boolean.class, true)
				|| environment.containsProperty(CORRELATION_PATTERN)) {
			return;
		}
		String mdcKey = environment.getProperty("context.request-id.mdc-key", MdcMapping.DEFAULT_REQUEST_ID_KEY);
		environment.getPropertySources()
			.addLast(new CorrelationPatternPropertySource(environment, "[%X{" + mdcKey + ":-}] "));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Resolves the pattern when it is read, after every post-processor has run.
	 */
	private static final class CorrelationPatternPropertySource extends EnumerablePropertySource<Object> {

		private final Environment environment;

		private final String requestIdPattern;

		CorrelationPatternPropertySource(Environment environment, String requestIdPattern) {
			super(PROPERTY_SOURCE_NAME, requestIdPattern);
			this.environment = environment;
			this.requestIdPattern = requestIdPattern;
		}

		@Override
		public String[] getPropertyNames() {
			return new String[] { CORRELATION_PATTERN };
		}

		@Override
		public @Nullable Object getProperty(String name) {
			if (!CORRELATION_PATTERN.equals(name)) {
				return null;
			}
			boolean tracing = this.environment.getProperty(EXPECT_CORRELATION_ID, Boolean.class, false);
			return tracing ? this.requestIdPattern + BOOT_CORRELATION_PATTERN : this.requestIdPattern;
		}

	}

}
