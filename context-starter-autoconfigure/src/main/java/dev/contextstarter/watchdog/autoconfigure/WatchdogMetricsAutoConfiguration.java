package dev.contextstarter.watchdog.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogMetrics;

/**
 * Micrometer meters for the watchdog's stalls and event loop lag, when a
 * {@link MeterRegistry} exists.
 */
@AutoConfiguration(after = WatchdogAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnContextFeature("watchdog")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, Watchdog.class })
public final class WatchdogMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WatchdogMetrics contextWatchdogMetrics(Watchdog watchdog, MeterRegistry registry) {
		return new WatchdogMetrics(watchdog, registry);
	}

}
