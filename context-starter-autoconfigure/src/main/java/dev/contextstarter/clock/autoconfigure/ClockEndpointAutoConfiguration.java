package dev.contextstarter.clock.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.actuate.ClockEndpoint;

/**
 * The {@code clock} actuator endpoint.
 */
@AutoConfiguration(after = ClockAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnContextFeature("clock")
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ClockJumpDetector.class)
@ConditionalOnAvailableEndpoint(ClockEndpoint.class)
public final class ClockEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClockEndpoint clockEndpoint(ClockJumpDetector detector, ObjectProvider<ClockJumpAwareTaskScheduler> scheduler) {
		return new ClockEndpoint(detector, scheduler.getIfUnique());
	}

}
