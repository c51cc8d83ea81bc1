package dev.contextstarter.it.clock.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code clock} actuator endpoint over HTTP on a real server, with a
 * {@code @Scheduled} cron task run by the clock-jump-aware scheduler.
 */
@SpringBootTest(classes = ClockEndpointHttpTests.ClockApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=clock",
				"spring.task.scheduling.thread-name-prefix=clock-http-" })
class ClockEndpointHttpTests {

	@LocalServerPort
	int port;

	@Autowired
	TaskScheduler taskScheduler;

	@Test
	void clockEndpointShowsSkewJumpsStallsAndWallTasks() {
		assertThat(this.taskScheduler).isInstanceOf(ClockJumpAwareTaskScheduler.class);
		Map<String, Object> clock = WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/actuator/clock")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
		assertThat(clock).containsKeys("skewSeconds", "lastCheck", "recentJumps", "recentStalls")
			.containsEntry("checkIntervalSeconds", 1.0);
		assertThat((List<?>) clock.get("wallTasks")).singleElement()
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("task", Reports.class.getName() + ".daily")
			.containsEntry("trigger", "0 0 3 * * *")
			.containsEntry("misfirePolicy", "fire-once")
			.containsEntry("backwardPolicy", "auto")
			.containsKey("nextNominalTime");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableScheduling
	@Import(Reports.class)
	static class ClockApplication {

	}

	static class Reports {

		@Scheduled(cron = "0 0 3 * * *")
		void daily() {
		}

	}

}
