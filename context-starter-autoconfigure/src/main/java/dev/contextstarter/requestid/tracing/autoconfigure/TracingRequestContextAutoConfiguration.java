package dev.contextstarter.requestid.tracing.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import brave.baggage.CorrelationScopeCustomizer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.autoconfigure.ContextProperties;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.autoconfigure.RequestContextLoggingEnvironmentPostProcessor;
import dev.contextstarter.requestid.autoconfigure.RequestIdProperties;
import dev.contextstarter.requestid.tracing.MdcKeyCorrelationScopeCustomizer;

/**
 * Auto-configuration of the request context next to Micrometer Tracing. The log pattern
 * (request ID and Boot's trace and span IDs) comes from
 * {@code RequestContextLoggingEnvironmentPostProcessor}; this keeps Brave from writing
 * the starter's MDC keys.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		beforeName = "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration")
@ConditionalOnContextFeature("tracing")
@ConditionalOnBean(RequestIdPolicy.class)
public final class TracingRequestContextAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CorrelationScopeCustomizer.class)
	static final class BraveConfiguration {

		/**
		 * Runs after Boot's customizer (order 0), which adds the configured correlation
		 * fields.
		 */
		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE)
		MdcKeyCorrelationScopeCustomizer mdcKeyCorrelationScopeCustomizer(RequestIdProperties requestIdProperties,
				ContextProperties contextProperties) {
			Set<String> keys = new LinkedHashSet<>();
			keys.add(requestIdProperties.getMdcKey());
			for (ContextField field : contextProperties.contextFields()) {
				keys.add(field.mdcKey());
			}
			return new MdcKeyCorrelationScopeCustomizer(keys);
		}

	}

}
