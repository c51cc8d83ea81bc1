package dev.contextstarter.requestid.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.contextstarter.requestid.MdcMapping;

/**
 * Contributes a default {@code logging.pattern.correlation} that shows the request ID on
 * every log line, as the lowest-precedence property source: any value the user set wins.
 */
public final class RequestContextLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "contextStarterLoggingDefaults";

	static final String CORRELATION_PATTERN = "logging.pattern.correlation";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("context.enabled", Boolean.class, true)
				|| !environment.getProperty("context.request-id.enabled", Boolean.class, true)
				|| environment.containsProperty(CORRELATION_PATTERN)) {
			return;
		}
		String mdcKey = environment.getProperty("context.request-id.mdc-key", MdcMapping.DEFAULT_REQUEST_ID_KEY);
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of(CORRELATION_PATTERN, "[%X{" + mdcKey + ":-}] ")));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
