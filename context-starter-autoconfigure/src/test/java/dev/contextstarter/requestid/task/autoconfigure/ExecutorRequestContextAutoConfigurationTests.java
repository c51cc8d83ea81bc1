package dev.contextstarter.requestid.task.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.autoconfigure.ClockAutoConfiguration;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.RequestContextTaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ExecutorRequestContextAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RequestContextAutoConfiguration.class, ExecutorRequestContextAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class));

	@Test
	void applicationTaskExecutorRunsTasksUnderTheSubmittersContext() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RequestContextTaskDecorator.class);
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			assertThat(idSeenBy(executor, "exec-1")).isEqualTo("exec-1");
		});
	}

	@Test
	void bootsTaskSchedulerRunsTasksUnderTheSubmittersContext() {
		this.runner.withUserConfiguration(Scheduling.class).run((context) -> {
			ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskScheduler.class);
			assertThat(idSeenBy(scheduler, "sched-1")).isEqualTo("sched-1");
		});
	}

	@Test
	void theUsersTaskDecoratorIsKeptAndRunsInsideTheContext() {
		this.runner.withUserConfiguration(UserDecorator.class).run((context) -> {
			assertThat(context).hasSingleBean(RequestContextTaskDecorator.class).hasBean("userTaskDecorator");
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			AtomicReference<String> seenByUserDecorator = context.getBean(UserDecorator.class).seen;
			assertThat(idSeenBy(executor, "exec-2")).isEqualTo("exec-2");
			assertThat(seenByUserDecorator).hasValue("exec-2");
		});
	}

	@Test
	void aUserRequestContextTaskDecoratorIsNotDeclaredTwice() {
		this.runner.withBean("mine", RequestContextTaskDecorator.class, RequestContextTaskDecorator::new)
			.run((context) -> assertThat(context).hasSingleBean(RequestContextTaskDecorator.class).hasBean("mine"));
	}

	@Test
	void clockSchedulerRunsTasksUnderTheSubmittersContext() {
		this.runner.withConfiguration(AutoConfigurations.of(ClockAutoConfiguration.class))
			.withUserConfiguration(Scheduling.class)
			.run((context) -> {
				assertThat(context.getBean("taskScheduler")).isInstanceOf(ClockJumpAwareTaskScheduler.class);
				AtomicReference<String> seen = new AtomicReference<>();
				CompletableFuture<Void> ran = new CompletableFuture<>();
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("clock-1"))) {
					context.getBean("taskScheduler", TaskScheduler.class).schedule(() -> {
						seen.set(RequestIdContextHolder.currentRequestId());
						ran.complete(null);
					}, Instant.now().plusMillis(50));
				}
				ran.get(10, TimeUnit.SECONDS);
				assertThat(seen).hasValue("clock-1");
			});
	}

	@Test
	void clockSchedulerKeepsTheContextAcrossReArmsBeyondOneCheckInterval() {
		// the task sleeps in check-interval steps, each a new submission to the pool
		this.runner.withConfiguration(AutoConfigurations.of(ClockAutoConfiguration.class))
			.withUserConfiguration(Scheduling.class)
			.withPropertyValues("context.clock.check-interval=50ms")
			.run((context) -> {
				CompletableFuture<String> seen = new CompletableFuture<>();
				AtomicReference<Thread> worker = new AtomicReference<>();
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("clock-2"))) {
					context.getBean("taskScheduler", TaskScheduler.class).schedule(() -> {
						worker.set(Thread.currentThread());
						seen.complete(RequestIdContextHolder.currentRequestId());
					}, Instant.now().plusMillis(400));
				}
				assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("clock-2");
				awaitNoContextOn(worker.get());
			});
	}

	@Test
	void aPeriodicTaskStartedInsideARequestKeepsItsContextOnEveryRun() {
		this.runner.withConfiguration(AutoConfigurations.of(ClockAutoConfiguration.class))
			.withUserConfiguration(Scheduling.class)
			.run((context) -> {
				List<String> seen = new CopyOnWriteArrayList<>();
				ScheduledFuture<?> future;
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("periodic-1"))) {
					future = context.getBean("taskScheduler", TaskScheduler.class)
						.scheduleAtFixedRate(() -> seen.add(String.valueOf(RequestIdContextHolder.currentRequestId())),
								Duration.ofMillis(20));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
				future.cancel(false);
				assertThat(List.copyOf(seen)).allMatch("periodic-1"::equals);
			});
	}

	@Test
	void offWhenTurnedOff() {
		this.runner.withPropertyValues("context.executors.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskDecorator.class));
		this.runner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskDecorator.class));
	}

	private static String idSeenBy(Executor executor, String id) throws Exception {
		CompletableFuture<String> seen = new CompletableFuture<>();
		AtomicReference<Thread> worker = new AtomicReference<>();
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of(id))) {
			executor.execute(() -> {
				worker.set(Thread.currentThread());
				seen.complete(String.valueOf(RequestIdContextHolder.currentRequestId()));
			});
		}
		String result = seen.get(10, TimeUnit.SECONDS);
		awaitNoContextOn(worker.get());
		return result;
	}

	/**
	 * The worker gets its previous context (none) back once the task ends. Only the
	 * worker is asked: another test's thread still alive in this JVM says nothing of it.
	 */
	private static void awaitNoContextOn(Thread worker) {
		await().atMost(Duration.ofSeconds(5)).until(() -> RequestIdContextHolder.currentOf(worker) == null);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Scheduling {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDecorator {

		final AtomicReference<String> seen = new AtomicReference<>();

		@Bean
		TaskDecorator userTaskDecorator() {
			return (runnable) -> () -> {
				this.seen.set(RequestIdContextHolder.currentRequestId());
				runnable.run();
			};
		}

	}

}
