package dev.contextstarter.it.clock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.CronTask;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.OneTimeTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.config.TriggerTask;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.scheduling.support.TaskUtils;
import org.springframework.util.ErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Spring's {@link TaskScheduler} contract, run by
 * {@link ThreadPoolTaskSchedulerContractTests} against a plain
 * {@link ThreadPoolTaskScheduler} and by {@link ClockJumpAwareTaskSchedulerContractTests}
 * against a {@link ClockJumpAwareTaskScheduler} decorating one: a difference fails on one
 * side only. Real threads and the system clock; no jump or stall happens here, so the two
 * must behave alike. Waits are latches and futures, never sleeps.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class TaskSchedulerContract {

	private static final String SPRING_ERROR_LOG = "Unexpected error occurred in scheduled task";

	static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * One scheduler under test, with the pool that runs its tasks, how to set its error
	 * handler and how to shut it down.
	 */
	record Subject(TaskScheduler scheduler, ThreadPoolTaskScheduler pool,
			java.util.function.Consumer<ErrorHandler> errorHandlerSetter, Runnable shutdown) {

		/** Shut down and wait until no task runs any more, so what happened is final. */
		void shutdownAndWait() throws InterruptedException {
			this.shutdown.run();
			assertThat(this.pool.getScheduledExecutor().awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}

	}

	private Subject subject;

	private TaskScheduler scheduler;

	/**
	 * Create the scheduler under test on a pool of two threads named {@code contract-}.
	 * @return the scheduler under test
	 */
	abstract Subject create();

	/**
	 * Return whether {@code context.clock.scheduler.enabled} is set in an application.
	 * @return whether the application uses the clock-jump-aware scheduler
	 */
	abstract boolean clockJumpAwareInApplications();

	static ThreadPoolTaskScheduler pool() {
		ThreadPoolTaskScheduler pool = new ThreadPoolTaskScheduler();
		pool.setPoolSize(2);
		pool.setThreadNamePrefix("contract-");
		return pool;
	}

	@BeforeEach
	void createScheduler() {
		this.subject = create();
		this.scheduler = this.subject.scheduler();
	}

	@AfterEach
	void shutdown() {
		this.subject.shutdown().run();
	}

	// one-time tasks

	@Test
	void oneTimeTaskRunsOnceAndItsFutureCompletesWithNull() throws Exception {
		CountingTask task = new CountingTask();
		ScheduledFuture<?> future = this.scheduler.schedule(task, Instant.now());
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(future.isDone()).isTrue();
		assertThat(future.isCancelled()).isFalse();
		assertThat(task.runs.get()).isOne();
		assertThat(task.threadNames).singleElement().asString().startsWith("contract-");
	}

	@Test
	void oneTimeFailureWithoutErrorHandlerIsLoggedAndFailsTheFuture(CapturedOutput output) {
		IllegalStateException failure = new IllegalStateException("one-time-failure-" + getClass().getSimpleName());
		ScheduledFuture<?> future = this.scheduler.schedule(failing(failure), Instant.now());
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCause(failure);
		assertThat(future.isDone()).isTrue();
		assertThat(future.isCancelled()).isFalse();
		await().atMost(WAIT).until(() -> output.getAll().contains(failure.getMessage()));
		assertThat(logLinesWith(output, SPRING_ERROR_LOG)).singleElement().asString().contains("ERROR");
	}

	@Test
	void oneTimeFailureWithErrorHandlerGoesToTheHandlerAndTheFutureCompletesWithNull() throws Exception {
		RecordingErrorHandler errorHandler = new RecordingErrorHandler();
		this.subject.errorHandlerSetter().accept(errorHandler);
		IllegalStateException failure = new IllegalStateException("handled");
		ScheduledFuture<?> future = this.scheduler.schedule(failing(failure), Instant.now());
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(errorHandler.errors).containsExactly(failure);
	}

	@Test
	void oneTimeTaskInTheFutureHasItsDelayAndCanBeCancelled() throws Exception {
		CountingTask task = new CountingTask();
		ScheduledFuture<?> future = this.scheduler.schedule(task, Instant.now().plus(Duration.ofHours(1)));
		assertThat(future.getDelay(TimeUnit.SECONDS)).isBetween(3590L, 3600L);
		assertThat(future.isDone()).isFalse();
		assertThat(future.cancel(false)).isTrue();
		assertThat(future.isCancelled()).isTrue();
		assertThat(future.isDone()).isTrue();
		assertThat(future.cancel(false)).isFalse();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(future::get);
		this.subject.shutdownAndWait();
		assertThat(task.runs.get()).isZero();
	}

	// trigger tasks

	@Test
	void statefulTriggerIsAskedOnceWhenScheduledAndOnceAfterEachRun() throws Exception {
		CountingTrigger trigger = new CountingTrigger(3, (context) -> context.getClock().instant());
		CountingTask task = new CountingTask();
		ScheduledFuture<?> future = this.scheduler.schedule(task, trigger);
		assertThat(trigger.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(future.isDone()).isTrue();
		assertThat(future.isCancelled()).isFalse();
		this.subject.shutdownAndWait();
		assertThat(task.runs.get()).isEqualTo(3);
		assertThat(trigger.calls).hasSize(4);
		// the same context each time, empty at first, then telling the previous run
		assertThat(trigger.contexts).hasSize(4)
			.allSatisfy((context) -> assertThat(context).isSameAs(trigger.contexts.get(0)));
		assertThat(trigger.calls.get(0).lastScheduled()).isNull();
		assertThat(trigger.calls.get(0).lastActual()).isNull();
		assertThat(trigger.calls.get(0).lastCompletion()).isNull();
		for (int i = 1; i < 4; i++) {
			Call call = trigger.calls.get(i);
			assertThat(call.lastScheduled()).isEqualTo(trigger.answers.get(i - 1));
			assertThat(call.lastActual()).isAfterOrEqualTo(call.lastScheduled());
			assertThat(call.lastCompletion()).isAfterOrEqualTo(call.lastActual());
		}
	}

	@Test
	void triggerWithoutAnyOccurrenceIsNotScheduled() throws Exception {
		CountingTrigger trigger = new CountingTrigger(0, (context) -> context.getClock().instant());
		CountingTask task = new CountingTask();
		ScheduledFuture<?> future = this.scheduler.schedule(task, trigger);
		assertThat((Object) future).isNull();
		this.subject.shutdownAndWait();
		assertThat(trigger.calls).hasSize(1);
		assertThat(task.runs.get()).isZero();
	}

	@Test
	void getOnARepeatingTaskReturnsOnceItsPendingOccurrenceRan() throws Exception {
		Instant start = Instant.now();
		CountingTrigger trigger = new CountingTrigger(2,
				(context) -> (context.lastCompletion() == null) ? start : start.plus(Duration.ofHours(1)));
		CountingTask task = new CountingTask();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScheduledFuture<?> future = this.scheduler.schedule(() -> {
			running.countDown();
			awaitQuietly(release);
			task.run();
		}, trigger);
		// get() waits on the occurrence pending when it is called: hold the first run
		// until a caller is parked on it, else it may already wait for the next one (an
		// hour away)
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CompletableFuture<@Nullable Object> got = new CompletableFuture<>();
		Thread getter = new Thread(() -> {
			try {
				got.complete(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
			}
			catch (Exception ex) {
				got.completeExceptionally(ex);
			}
		}, "contract-getter");
		getter.start();
		await().atMost(WAIT).until(() -> getter.getState() == Thread.State.TIMED_WAITING);
		assertThat(got).isNotDone();
		release.countDown();
		assertThat(got.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(task.runs.get()).isOne();
		// the next occurrence is pending now
		assertThat(future.isDone()).isFalse();
		assertThat(future.getDelay(TimeUnit.SECONDS)).isBetween(3500L, 3600L);
		assertThat(trigger.calls).hasSize(2);
		assertThat(future.cancel(false)).isTrue();
		assertThat(future.isCancelled()).isTrue();
		this.subject.shutdownAndWait();
		assertThat(trigger.calls).hasSize(2);
		assertThat(task.runs.get()).isOne();
	}

	@Test
	void cancelWithInterruptStopsARunningTaskAndItIsNotAskedForMore() throws Exception {
		CountingTrigger trigger = new CountingTrigger(5, (context) -> context.getClock().instant());
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		ScheduledFuture<?> future = this.scheduler.schedule(() -> {
			running.countDown();
			try {
				new CountDownLatch(1).await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
			}
		}, trigger);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.cancel(true)).isTrue();
		assertThat(interrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.isCancelled()).isTrue();
		assertThat(future.isDone()).isTrue();
		this.subject.shutdownAndWait();
		assertThat(trigger.calls).hasSize(1);
	}

	@Test
	void cancelWithoutInterruptLetsTheRunFinishAndNothingFollows() throws Exception {
		CountingTrigger trigger = new CountingTrigger(5, (context) -> context.getClock().instant());
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger finished = new AtomicInteger();
		ScheduledFuture<?> future = this.scheduler.schedule(() -> {
			running.countDown();
			try {
				if (release.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
					finished.incrementAndGet();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, trigger);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.cancel(false)).isTrue();
		release.countDown();
		await().atMost(WAIT).until(() -> finished.get() == 1);
		this.subject.pool().getScheduledExecutor().shutdown();
		assertThat(this.subject.pool().getScheduledExecutor().awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS))
			.isTrue();
		assertThat(future.isCancelled()).isTrue();
		assertThat(trigger.calls).hasSize(1);
		assertThat(finished.get()).isOne();
	}

	@Test
	void repeatingFailureWithoutErrorHandlerIsLoggedAndSuppressed(CapturedOutput output) throws Exception {
		CountingTrigger trigger = new CountingTrigger(3, (context) -> context.getClock().instant());
		String message = "repeating-failure-" + getClass().getSimpleName();
		ScheduledFuture<?> future = this.scheduler.schedule(failing(new IllegalStateException(message)), trigger);
		assertThat(trigger.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		await().atMost(WAIT).until(() -> logLinesWith(output, message).size() == 3);
		assertThat(logLinesWith(output, SPRING_ERROR_LOG)).hasSize(3);
	}

	@Test
	void repeatingFailureWithErrorHandlerGoesToTheHandlerAtEveryRun() throws Exception {
		RecordingErrorHandler errorHandler = new RecordingErrorHandler();
		this.subject.errorHandlerSetter().accept(errorHandler);
		CountingTrigger trigger = new CountingTrigger(3, (context) -> context.getClock().instant());
		IllegalStateException failure = new IllegalStateException("repeating");
		ScheduledFuture<?> future = this.scheduler.schedule(failing(failure), trigger);
		assertThat(trigger.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(errorHandler.errors).containsExactly(failure, failure, failure);
	}

	@Test
	void repeatingTaskStopsAtItsFirstFailureWhenTheErrorHandlerPropagates() throws Exception {
		this.subject.errorHandlerSetter().accept(TaskUtils.LOG_AND_PROPAGATE_ERROR_HANDLER);
		CountingTrigger trigger = new CountingTrigger(5, (context) -> context.getClock().instant());
		CountingTask runs = new CountingTask();
		IllegalStateException failure = new IllegalStateException("propagated");
		ScheduledFuture<?> future = this.scheduler.schedule(() -> {
			runs.run();
			throw failure;
		}, trigger);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCause(failure);
		assertThat(future.isDone()).isTrue();
		this.subject.shutdownAndWait();
		assertThat(runs.runs.get()).isOne();
		assertThat(trigger.calls).hasSize(1);
	}

	@Test
	void fixedRateFailureWithErrorHandlerGoesToTheHandlerAndTheTaskGoesOn() throws Exception {
		RecordingErrorHandler errorHandler = new RecordingErrorHandler();
		this.subject.errorHandlerSetter().accept(errorHandler);
		IllegalStateException failure = new IllegalStateException("fixed-rate");
		ScheduledFuture<?> future = this.scheduler.scheduleAtFixedRate(failing(failure), Duration.ofMillis(10));
		await().atMost(WAIT).until(() -> errorHandler.errors.size() >= 2);
		assertThat(future.isDone()).isFalse();
		assertThat(future.cancel(false)).isTrue();
		this.subject.shutdownAndWait();
		assertThat(errorHandler.errors).containsOnly(failure);
	}

	@Test
	void fixedDelayFailureWithoutErrorHandlerIsLoggedAndSuppressed(CapturedOutput output) throws Exception {
		String message = "fixed-delay-failure-" + getClass().getSimpleName();
		ScheduledFuture<?> future = this.scheduler.scheduleWithFixedDelay(failing(new IllegalStateException(message)),
				Duration.ofMillis(10));
		await().atMost(WAIT).until(() -> logLinesWith(output, message).size() >= 2);
		assertThat(future.isDone()).isFalse();
		// a run in progress would log into the next test's output
		this.subject.shutdownAndWait();
		assertThat(logLinesWith(output, SPRING_ERROR_LOG)).isNotEmpty();
	}

	@Test
	void fixedRateTaskStopsAtItsFirstFailureWhenTheErrorHandlerPropagates() throws Exception {
		this.subject.errorHandlerSetter().accept(TaskUtils.LOG_AND_PROPAGATE_ERROR_HANDLER);
		CountingTask runs = new CountingTask();
		IllegalStateException failure = new IllegalStateException("fixed-rate-propagated");
		ScheduledFuture<?> future = this.scheduler.scheduleAtFixedRate(() -> {
			runs.run();
			throw failure;
		}, Duration.ofMillis(10));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCause(failure);
		this.subject.shutdownAndWait();
		assertThat(runs.runs.get()).isOne();
	}

	// Spring's fixed-execution cron triggers: every missed occurrence runs

	@Test
	void resumeFixedExecutionRunsEveryOccurrenceSinceTheResumptionPoint() throws Exception {
		// 45 s back: all of them within the decorator's default grace of 60 s
		Instant resumption = Instant.now().minusSeconds(45);
		List<Instant> missed = occurrences("*/10 * * * * *", resumption, Instant.now());
		assertThat(missed).hasSizeGreaterThanOrEqualTo(4);
		CountDownLatch caughtUp = new CountDownLatch(missed.size());
		ScheduledFuture<?> future = this.scheduler.schedule(caughtUp::countDown,
				CronTrigger.resumeFixedExecution("*/10 * * * * *", resumption));
		// a scheduler that folded them would run once now, then once every 10 s: at most
		// 2 in 9 s
		assertThat(caughtUp.await(9, TimeUnit.SECONDS)).as("%s catch-up runs", missed.size()).isTrue();
		future.cancel(false);
	}

	@Test
	void fixedExecutionTriggerOfTheUsersOwnGetsEveryMissedOccurrenceAndIsToldEachOne() throws Exception {
		Instant resumption = Instant.now().minusSeconds(40);
		CronTrigger cron = CronTrigger.resumeFixedExecution("*/5 * * * * *", resumption);
		List<Instant> missed = occurrences("*/5 * * * * *", resumption, Instant.now());
		CountingTrigger trigger = new CountingTrigger(missed.size(), cron::nextExecution);
		CountingTask task = new CountingTask();
		ScheduledFuture<?> future = this.scheduler.schedule(task, trigger);
		assertThat(trigger.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
		assertThat(task.runs.get()).isEqualTo(missed.size());
		assertThat(trigger.answers).containsExactlyElementsOf(missed);
		assertThat(trigger.calls.stream().skip(1).map(Call::lastScheduled).toList()).containsExactlyElementsOf(missed);
	}

	// ScheduledTask (what @Scheduled and the actuator's scheduledtasks endpoint read)

	@Test
	void scheduledTaskShowsTheNextExecutionOfACronTaskUntilCancelled() {
		ScheduledTaskRegistrar registrar = registrar();
		ScheduledTask task = registrar.scheduleCronTask(new CronTask(new CountingTask(), "0 0 0 1 1 *"));
		Instant expected = occurrences("0 0 0 1 1 *", Instant.now(), Instant.now().plus(Duration.ofDays(370))).get(0);
		assertThat(task.nextExecution()).isBetween(expected.minusSeconds(2), expected.plusSeconds(2));
		task.cancel(false);
		assertThat(task.nextExecution()).isNull();
	}

	@Test
	void scheduledTaskShowsTheNextExecutionOfAFixedDelayTask() {
		ScheduledTaskRegistrar registrar = registrar();
		ScheduledTask task = registrar.scheduleFixedDelayTask(
				new FixedDelayTask(new CountingTask(), Duration.ofSeconds(10), Duration.ofSeconds(10)));
		assertThat(task.nextExecution()).isBefore(Instant.now().plusSeconds(11)).isAfter(Instant.now());
		task.cancel(true);
		assertThat(task.nextExecution()).isNull();
	}

	@Test
	void scheduledTaskHasNoNextExecutionOnceAOneTimeTaskRanOrATriggerEnded() {
		ScheduledTaskRegistrar registrar = registrar();
		CountingTask oneTime = new CountingTask();
		ScheduledTask oneTimeTask = registrar.scheduleOneTimeTask(new OneTimeTask(oneTime, Duration.ZERO));
		CountingTrigger trigger = new CountingTrigger(2, (context) -> context.getClock().instant());
		ScheduledTask triggerTask = registrar.scheduleTriggerTask(new TriggerTask(new CountingTask(), trigger));
		await().atMost(WAIT).until(() -> oneTime.runs.get() == 1 && trigger.calls.size() == 3);
		await().atMost(WAIT).until(() -> oneTimeTask.nextExecution() == null && triggerTask.nextExecution() == null);
		assertThat(oneTimeTask.nextExecution()).isNull();
		assertThat(triggerTask.nextExecution()).isNull();
	}

	// shutdown

	@Test
	void shutdownCancelsPendingTasksAndLaterTasksAreRejected() throws Exception {
		Instant inAnHour = Instant.now().plus(Duration.ofHours(1));
		ScheduledFuture<?> oneTime = this.scheduler.schedule(new CountingTask(), inAnHour);
		ScheduledFuture<?> repeating = this.scheduler.schedule(new CountingTask(), (context) -> inAnHour);
		this.subject.shutdownAndWait();
		assertThat(oneTime.isCancelled()).isTrue();
		assertThat(repeating.isCancelled()).isTrue();
		assertThatExceptionOfType(TaskRejectedException.class)
			.isThrownBy(() -> this.scheduler.schedule(new CountingTask(), Instant.now()));
		assertThatExceptionOfType(TaskRejectedException.class)
			.isThrownBy(() -> this.scheduler.schedule(new CountingTask(), (context) -> inAnHour));
		assertThatExceptionOfType(TaskRejectedException.class)
			.isThrownBy(() -> this.scheduler.scheduleAtFixedRate(new CountingTask(), Duration.ofSeconds(1)));
		assertThatExceptionOfType(TaskRejectedException.class)
			.isThrownBy(() -> this.scheduler.scheduleWithFixedDelay(new CountingTask(), Duration.ofSeconds(1)));
	}

	// a real application

	@Test
	void aFailingOneShotScheduledMethodLeavesSpringsErrorLogLine(CapturedOutput output) {
		boolean aware = clockJumpAwareInApplications();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OneShotApplication.class)
			.web(WebApplicationType.NONE)
			.properties("context.clock.scheduler.enabled=" + aware, "spring.main.banner-mode=off",
					"context.watchdog.enabled=false")
			.run()) {
			assertThat(context.getBean("taskScheduler") instanceof ClockJumpAwareTaskScheduler).isEqualTo(aware);
			await().atMost(WAIT).until(() -> output.getAll().contains("one-shot-failure-42"));
			assertThat(logLinesWith(output, SPRING_ERROR_LOG)).singleElement()
				.asString()
				.contains("ERROR")
				.contains("TaskUtils$LoggingErrorHandler");
			assertThat(output.getAll()).contains("java.lang.IllegalStateException: one-shot-failure-42");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableScheduling
	@Import(OneShot.class)
	static class OneShotApplication {

	}

	static class OneShot {

		@Scheduled(initialDelay = 100)
		void oneShot() {
			throw new IllegalStateException("one-shot-failure-42");
		}

	}

	private ScheduledTaskRegistrar registrar() {
		ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
		registrar.setTaskScheduler(this.scheduler);
		return registrar;
	}

	private static List<Instant> occurrences(String cron, Instant after, Instant until) {
		CronExpression expression = CronExpression.parse(cron);
		List<Instant> occurrences = new ArrayList<>();
		ZonedDateTime next = expression.next(after.atZone(java.time.ZoneId.systemDefault()));
		while (next != null && !next.toInstant().isAfter(until)) {
			occurrences.add(next.toInstant());
			next = expression.next(next);
		}
		return occurrences;
	}

	private static List<String> logLinesWith(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).toList();
	}

	private static Runnable failing(RuntimeException failure) {
		return () -> {
			throw failure;
		};
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class CountingTask implements Runnable {

		final AtomicInteger runs = new AtomicInteger();

		final List<String> threadNames = new CopyOnWriteArrayList<>();

		@Override
		public void run() {
			this.threadNames.add(Thread.currentThread().getName());
			this.runs.incrementAndGet();
		}

	}

	static final class RecordingErrorHandler implements ErrorHandler {

		final List<Throwable> errors = new CopyOnWriteArrayList<>();

		@Override
		public void handleError(Throwable ex) {
			this.errors.add(ex);
		}

	}

	/** What a trigger was told: a snapshot of its context at one call. */
	record Call(@Nullable Instant lastScheduled, @Nullable Instant lastActual, @Nullable Instant lastCompletion) {
	}

	/**
	 * A stateful trigger: it answers {@code maxAnswers} times, then {@code null}, and
	 * records every call.
	 */
	static final class CountingTrigger implements Trigger {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		final List<TriggerContext> contexts = new CopyOnWriteArrayList<>();

		final List<Instant> answers = new CopyOnWriteArrayList<>();

		final CountDownLatch ended = new CountDownLatch(1);

		private final int maxAnswers;

		private final Function<TriggerContext, @Nullable Instant> answer;

		CountingTrigger(int maxAnswers, Function<TriggerContext, @Nullable Instant> answer) {
			this.maxAnswers = maxAnswers;
			this.answer = answer;
		}

		@Override
		public @Nullable Instant nextExecution(TriggerContext context) {
			this.contexts.add(context);
			this.calls.add(new Call(context.lastScheduledExecution(), context.lastActualExecution(),
					context.lastCompletion()));
			if (this.calls.size() > this.maxAnswers) {
				this.ended.countDown();
				return null;
			}
			Instant next = this.answer.apply(context);
			this.answers.add(next);
			return next;
		}

	}

}
