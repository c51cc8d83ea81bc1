package dev.contextstarter.clock.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.util.ErrorHandler;

import dev.contextstarter.clock.BackwardPolicy;
import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.ClockJumpEvent;
import dev.contextstarter.clock.ClockMetrics;
import dev.contextstarter.clock.JumpDirection;
import dev.contextstarter.clock.MisfirePolicy;
import dev.contextstarter.clock.RunReason;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.TimeSource;
import dev.contextstarter.clock.WallTaskPolicy;
import dev.contextstarter.clock.actuate.ClockEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClockAutoConfiguration}, {@link ClockMetricsAutoConfiguration} and
 * {@link ClockEndpointAutoConfiguration}.
 */
class ClockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(ClockAutoConfiguration.class, TaskSchedulingAutoConfiguration.class, ClockMetricsAutoConfiguration.class,
				ClockEndpointAutoConfiguration.class, EndpointAutoConfiguration.class));

	@Test
	void defaultsGiveSystemTimeSourceAndARunningDetectorButNoSchedulerWithoutEnableScheduling() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TimeSource.class).hasSingleBean(ClockJumpDetector.class);
			assertThat(context.getBean(TimeSource.class)).isSameAs(TimeSource.system());
			assertThat(context.getBean(ClockJumpDetector.class).isRunning()).isTrue();
			assertThat(context).doesNotHaveBean(TaskScheduler.class);
			ClockProperties properties = context.getBean(ClockProperties.class);
			assertThat(properties.getCheckInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getJumpThreshold()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getStallThreshold()).isEqualTo(Duration.ofSeconds(2));
			assertThat(properties.getScheduler().defaultPolicy()).isEqualTo(WallTaskPolicy.DEFAULT);
		});
	}

	@Test
	void detectorStopsWhenTheContextCloses() {
		AtomicReference<ClockJumpDetector> detector = new AtomicReference<>();
		this.runner.run((context) -> detector.set(context.getBean(ClockJumpDetector.class)));
		assertThat(detector.get().isRunning()).isFalse();
	}

	@Test
	void withSchedulingTheTaskSchedulerIsClockJumpAwareAndBootsSchedulingPropertiesApply() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withPropertyValues("spring.task.scheduling.thread-name-prefix=clock-test-")
			.run((context) -> {
				assertThat(context).hasSingleBean(TaskScheduler.class);
				assertThat(context.getBean("taskScheduler")).isInstanceOf(ClockJumpAwareTaskScheduler.class);
				TaskScheduler scheduler = context.getBean(TaskScheduler.class);
				AtomicReference<String> thread = new AtomicReference<>();
				CountDownLatch ran = new CountDownLatch(1);
				scheduler.schedule(() -> {
					thread.set(Thread.currentThread().getName());
					ran.countDown();
				}, Instant.now());
				assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(thread.get()).startsWith("clock-test-");
			});
	}

	@Test
	void scheduledCronMethodsRunOnTheClockJumpAwareScheduler() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class, CronJob.class).run((context) -> {
			CronJob job = context.getBean(CronJob.class);
			assertThat(job.ran.await(10, TimeUnit.SECONDS)).isTrue();
			ScheduledRun run = job.run.get();
			assertThat(run.reason()).isIn(RunReason.ON_TIME, RunReason.LATE);
			assertThat(run.task()).endsWith("CronJob.everySecond");
			ClockJumpAwareTaskScheduler scheduler = context.getBean(ClockJumpAwareTaskScheduler.class);
			assertThat(scheduler.wallTasks()).singleElement()
				.satisfies((task) -> assertThat(task.trigger()).isEqualTo("* * * * * *"));
		});
	}

	@Test
	void anErrorHandlerSetByABootCustomizerHandlesWallAndElapsedTasks() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withBean(ThreadPoolTaskSchedulerCustomizer.class,
					() -> (pool) -> pool.setErrorHandler(new RecordingErrorHandler()))
			.run((context) -> {
				ClockJumpAwareTaskScheduler scheduler = context.getBean(ClockJumpAwareTaskScheduler.class);
				RecordingErrorHandler.failures.clear();
				IllegalStateException oneTime = new IllegalStateException("one-time");
				IllegalStateException cron = new IllegalStateException("cron");
				IllegalStateException fixedRate = new IllegalStateException("fixed-rate");
				ScheduledFuture<?> oneTimeFuture = scheduler.schedule(fail(oneTime), Instant.now());
				ScheduledFuture<?> cronFuture = scheduler.schedule(fail(cron), new CronTrigger("* * * * * *"));
				ScheduledFuture<?> fixedRateFuture = scheduler.scheduleAtFixedRate(fail(fixedRate),
						Duration.ofMillis(50));
				// handled, not propagated: the one-time future completes normally
				assertThat(oneTimeFuture.get(10, TimeUnit.SECONDS)).isNull();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(RecordingErrorHandler.failures).contains(oneTime, cron, fixedRate));
				cronFuture.cancel(false);
				fixedRateFuture.cancel(false);
			});
	}

	@Test
	void anErrorHandlerSetOnTheSchedulerHandlesElapsedTasksToo() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class).run((context) -> {
			ClockJumpAwareTaskScheduler scheduler = context.getBean(ClockJumpAwareTaskScheduler.class);
			RecordingErrorHandler.failures.clear();
			scheduler.setErrorHandler(new RecordingErrorHandler());
			IllegalStateException fixedDelay = new IllegalStateException("fixed-delay");
			ScheduledFuture<?> future = scheduler.scheduleWithFixedDelay(fail(fixedDelay), Duration.ofMillis(50));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(RecordingErrorHandler.failures).contains(fixedDelay));
			future.cancel(false);
		});
	}

	private static Runnable fail(RuntimeException failure) {
		return () -> {
			throw failure;
		};
	}

	@Test
	void schedulerIsTornDownWhenTheContextCloses() {
		AtomicReference<ClockJumpAwareTaskScheduler> scheduler = new AtomicReference<>();
		this.runner.withUserConfiguration(SchedulingConfiguration.class, CronJob.class).run((context) -> {
			scheduler.set(context.getBean(ClockJumpAwareTaskScheduler.class));
			assertThat(scheduler.get().wallTasks()).hasSize(1);
		});
		assertThat(scheduler.get().wallTasks()).isEmpty();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> scheduler.get().schedule(() -> {
		}, Instant.now()));
	}

	@Test
	void schedulerPoliciesAreBoundPerTask() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withPropertyValues("context.clock.scheduler.grace=10s", "context.clock.scheduler.misfire-policy=skip",
					"context.clock.scheduler.tasks[com.example.Jobs.daily].backward-policy=rerun",
					"context.clock.scheduler.tasks[com.example.Jobs.daily].misfire-policy=fire-once")
			.run((context) -> {
				ClockProperties.Scheduler scheduler = context.getBean(ClockProperties.class).getScheduler();
				assertThat(scheduler.defaultPolicy())
					.isEqualTo(new WallTaskPolicy(Duration.ofSeconds(10), MisfirePolicy.SKIP, BackwardPolicy.AUTO));
				assertThat(scheduler.policyOf("com.example.Jobs.daily")).isEqualTo(
						new WallTaskPolicy(Duration.ofSeconds(10), MisfirePolicy.FIRE_ONCE, BackwardPolicy.RERUN));
			});
	}

	@Test
	void clockPropertyOffRemovesEverything() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withPropertyValues("context.clock.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ClockJumpDetector.class).doesNotHaveBean(TimeSource.class);
				assertThat(context.getBean("taskScheduler")).isInstanceOf(ThreadPoolTaskScheduler.class);
			});
	}

	@Test
	void starterPropertyOffRemovesEverything() {
		this.runner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClockJumpDetector.class)
				.doesNotHaveBean(ClockMetrics.class)
				.doesNotHaveBean(ClockEndpoint.class));
	}

	@Test
	void schedulerPropertyOffLeavesBootsSchedulerButKeepsDetection() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withPropertyValues("context.clock.scheduler.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClockJumpDetector.class);
				assertThat(context.getBean("taskScheduler")).isInstanceOf(ThreadPoolTaskScheduler.class);
			});
	}

	@Test
	void userBeansWin() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class, UserBeans.class).run((context) -> {
			assertThat(context.getBean(TimeSource.class)).isSameAs(UserBeans.TIME);
			assertThat(context).hasSingleBean(TaskScheduler.class);
			assertThat(context.getBean(TaskScheduler.class)).isInstanceOf(ConcurrentTaskScheduler.class);
			assertThat(context).doesNotHaveBean(ClockJumpAwareTaskScheduler.class);
		});
	}

	@Test
	void schedulerBacksOffWithoutThreadPoolTaskScheduler() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class)
			.withClassLoader(new FilteredClassLoader(ThreadPoolTaskScheduler.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ClockJumpDetector.class);
				assertThat(context).doesNotHaveBean(ClockJumpAwareTaskScheduler.class);
			});
	}

	@Test
	void metricsNeedAMeterRegistryBean() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClockMetrics.class));
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		this.runner.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClockMetrics.class));
	}

	@Test
	void metricsCountJumpsAndGaugeSkew() {
		this.runner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(ClockMetrics.class);
			context.publishEvent(new ClockJumpEvent(this, JumpDirection.FORWARD, Duration.ofHours(1), Instant.EPOCH,
					Instant.EPOCH.plusSeconds(3601)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("context.clock.jumps").tag("direction", "forward").counter().count()).isOne();
			assertThat(registry.get("context.clock.jumps").tag("direction", "backward").counter().count()).isZero();
			assertThat(registry.get("context.clock.skew").gauge()).isNotNull();
			assertThat(registry.get("context.clock.stalls").counter().count()).isZero();
			assertThat(registry.get("context.scheduler.misfires").tag("policy", "fire-once").counter()).isNotNull();
		});
	}

	@Test
	void endpointIsAvailableWhenExposed() {
		this.runner.withUserConfiguration(SchedulingConfiguration.class, CronJob.class)
			.withPropertyValues("management.endpoints.web.exposure.include=clock")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClockEndpoint.class);
				ClockEndpoint.ClockDescriptor clock = context.getBean(ClockEndpoint.class).clock();
				assertThat(clock.checkIntervalSeconds()).isEqualTo(1.0);
				assertThat(clock.recentJumps()).isEmpty();
				assertThat(clock.wallTasks()).singleElement().satisfies((task) -> {
					assertThat(task.task()).endsWith("CronJob.everySecond");
					assertThat(task.nextNominalTime()).isNotNull();
					assertThat(task.misfirePolicy()).isEqualTo("fire-once");
					assertThat(task.backwardPolicy()).isEqualTo("auto");
				});
			});
	}

	@Test
	void endpointIsNotCreatedWhenNotExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClockEndpoint.class));
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=clock")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClockEndpoint.class));
	}

	@Test
	void nonPositiveCheckIntervalFailsNamingTheProperty() {
		this.runner.withPropertyValues("context.clock.check-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("context.clock.check-interval");
		});
	}

	@Test
	void negativeGraceFailsNamingTheProperty() {
		this.runner.withPropertyValues("context.clock.scheduler.grace=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("context.clock.scheduler.grace");
		});
	}

	@Test
	void unknownMisfirePolicyFailsNamingTheProperty() {
		this.runner.withPropertyValues("context.clock.scheduler.misfire-policy=later").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("context.clock.scheduler.misfire-policy");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	static class CronJob {

		final CountDownLatch ran = new CountDownLatch(1);

		final AtomicReference<ScheduledRun> run = new AtomicReference<>();

		@Scheduled(cron = "* * * * * *")
		void everySecond() {
			this.run.compareAndSet(null, ScheduledRun.current());
			this.ran.countDown();
		}

	}

	/**
	 * Records into one list for the whole class, so the customizer's instance needs no
	 * lookup.
	 */
	static class RecordingErrorHandler implements ErrorHandler {

		static final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@Override
		public void handleError(Throwable ex) {
			failures.add(ex);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final TimeSource TIME = new TimeSource() {
			@Override
			public Instant wallTime() {
				return Instant.now();
			}

			@Override
			public long monotonicNanos() {
				return System.nanoTime();
			}
		};

		@Bean
		TimeSource userTimeSource() {
			return TIME;
		}

		@Bean
		TaskScheduler userScheduler() {
			return new ConcurrentTaskScheduler();
		}

	}

}
