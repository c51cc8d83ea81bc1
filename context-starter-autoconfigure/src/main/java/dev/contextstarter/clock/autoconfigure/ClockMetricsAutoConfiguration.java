package dev.contextstarter.clock.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.ClockMetrics;

/**
 * Micrometer meters for clock jumps, stalls and scheduler misfires, when a
 * {@link MeterRegistry} exists.
 */
@AutoConfiguration(after = ClockAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnContextFeature("clock")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, ClockJumpDetector.class })
public final class ClockMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClockMetrics clockMetrics(MeterRegistry registry, ClockJumpDetector detector) {
		return new ClockMetrics(registry, detector);
	}

}
