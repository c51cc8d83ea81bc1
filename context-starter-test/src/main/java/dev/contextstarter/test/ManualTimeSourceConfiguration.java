package dev.contextstarter.test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Test configuration with a {@link ManualTimeSource} bean; the starter's system time
 * source backs off when it is present.
 */
@TestConfiguration(proxyBeanMethods = false)
class ManualTimeSourceConfiguration {

	@Bean
	ManualTimeSource manualTimeSource() {
		return new ManualTimeSource();
	}

}
