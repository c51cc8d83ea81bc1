package dev.contextstarter.requestid.task.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

import dev.contextstarter.clock.autoconfigure.ClockAutoConfiguration;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdGenerator;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.ScheduledRunContexts;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledRunContextAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RequestContextAutoConfiguration.class, ScheduledRunContextAutoConfiguration.class,
					ClockAutoConfiguration.class, TaskSchedulingAutoConfiguration.class));

	@Test
	void everyRunOfAScheduledMethodHasItsOwnIdFromTheGeneratorAndTheTaskNameInTheMdc() {
		this.runner.withUserConfiguration(Ticking.class).run((context) -> {
			Ticker ticker = context.getBean(Ticker.class);
			assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
			List<String> ids = List.copyOf(ticker.ids).subList(0, 3);
			assertThat(ids).doesNotContainNull().doesNotHaveDuplicates().allMatch((id) -> id.startsWith("gen-"));
			assertThat(ticker.mdcIds.subList(0, 3)).isEqualTo(ids);
			assertThat(ticker.taskNames.get(0)).isEqualTo(Ticker.class.getName() + ".tick");
		});
	}

	@Test
	void worksOnBootsOwnSchedulerToo() {
		this.runner.withPropertyValues("context.clock.enabled=false")
			.withUserConfiguration(Ticking.class)
			.run((context) -> {
				Ticker ticker = context.getBean(Ticker.class);
				assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(List.copyOf(ticker.ids).subList(0, 3)).doesNotContainNull().doesNotHaveDuplicates();
			});
	}

	@Test
	void taskMdcKeyCanBeRenamedOrLeftOut() {
		this.runner.withUserConfiguration(Ticking.class)
			.withPropertyValues("context.scheduling.task-mdc-key=")
			.run((context) -> {
				Ticker ticker = context.getBean(Ticker.class);
				assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(ticker.taskNames.get(0)).isEqualTo("null");
			});
	}

	@Test
	void offWithNewContextPerRunFalse() {
		this.runner.withUserConfiguration(Ticking.class)
			.withPropertyValues("context.scheduling.new-context-per-run=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ScheduledRunContexts.class)
					.doesNotHaveBean(SchedulingConfigurer.class);
				Ticker ticker = context.getBean(Ticker.class);
				assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(ticker.ids.get(0)).isEqualTo("null");
			});
	}

	@Test
	void offWithTheStarterOff() {
		this.runner.withUserConfiguration(Ticking.class)
			.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ScheduledRunContexts.class));
	}

	@Test
	void offWithoutScheduling() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledRunContexts.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Ticking {

		@Bean
		Ticker ticker() {
			return new Ticker();
		}

		@Bean
		RequestIdGenerator generator() {
			AtomicInteger counter = new AtomicInteger();
			return () -> "gen-" + counter.incrementAndGet();
		}

	}

	static class Ticker {

		final CountDownLatch threeRuns = new CountDownLatch(3);

		final List<String> ids = new CopyOnWriteArrayList<>();

		final List<String> mdcIds = new CopyOnWriteArrayList<>();

		final List<String> taskNames = new CopyOnWriteArrayList<>();

		@Scheduled(fixedDelay = 20)
		void tick() {
			this.ids.add(String.valueOf(RequestIdContextHolder.currentRequestId()));
			this.mdcIds.add(String.valueOf(MDC.get("requestId")));
			this.taskNames.add(String.valueOf(MDC.get("scheduledTask")));
			this.threeRuns.countDown();
		}

	}

}
