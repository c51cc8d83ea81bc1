package dev.contextstarter.it.clock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.ClockJumpEvent;
import dev.contextstarter.clock.JumpDirection;
import dev.contextstarter.clock.TimeSource;
import dev.contextstarter.clock.autoconfigure.ClockAutoConfiguration;
import dev.contextstarter.test.ImportManualTimeSource;
import dev.contextstarter.test.ManualTimeSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The test kit's {@link ImportManualTimeSource} replaces the system time source in a
 * Spring context, and the detector then reports the steps a test makes.
 */
class ManualTimeSourceInSpringTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClockAutoConfiguration.class));

	@Test
	void importedManualTimeSourceReplacesTheSystemOneAndItsJumpsAreReported() {
		this.runner.withUserConfiguration(WithManualTime.class).run((context) -> {
			ManualTimeSource time = context.getBean(ManualTimeSource.class);
			assertThat(context.getBean(TimeSource.class)).isSameAs(time);
			assertThat(context.getBean(ClockJumpDetector.class).isRunning()).isTrue();
			// let the detector take its baseline before stepping the clock
			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(ClockJumpDetector.class).lastCheck() != null);
			time.jump(Duration.ofHours(1));
			List<ClockJumpEvent> jumps = context.getBean(WithManualTime.class).jumps;
			await().atMost(Duration.ofSeconds(10)).until(() -> !jumps.isEmpty());
			assertThat(jumps).singleElement().satisfies((jump) -> {
				assertThat(jump.getDirection()).isEqualTo(JumpDirection.FORWARD);
				assertThat(jump.getMagnitude()).isEqualTo(Duration.ofHours(1));
			});
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportManualTimeSource
	static class WithManualTime {

		final List<ClockJumpEvent> jumps = new CopyOnWriteArrayList<>();

		@Bean
		ApplicationListener<ClockJumpEvent> jumpRecorder() {
			return this.jumps::add;
		}

	}

}
