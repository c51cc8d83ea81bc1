package dev.contextstarter.watchdog.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.actuate.WatchdogEndpoint;

/**
 * The {@code watchdog} actuator endpoint.
 */
@AutoConfiguration(after = WatchdogAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnContextFeature("watchdog")
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(Watchdog.class)
@ConditionalOnAvailableEndpoint(WatchdogEndpoint.class)
public final class WatchdogEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WatchdogEndpoint watchdogEndpoint(Watchdog watchdog) {
		return new WatchdogEndpoint(watchdog);
	}

}
