package dev.contextstarter.clock.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.ScheduledRunListener;
import dev.contextstarter.clock.ScheduledRunRequestIds;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdGenerator;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.ScheduledRunContexts;
import dev.contextstarter.requestid.task.autoconfigure.ExecutorRequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.autoconfigure.ScheduledRunContextAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ScheduledRunRequestIdAutoConfiguration}: the request ID a
 * {@link ScheduledRun} carries.
 */
class ScheduledRunRequestIdAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RequestContextAutoConfiguration.class,
				ExecutorRequestContextAutoConfiguration.class, ScheduledRunContextAutoConfiguration.class,
				ClockAutoConfiguration.class, TaskSchedulingAutoConfiguration.class,
				ScheduledRunRequestIdAutoConfiguration.class))
		.withUserConfiguration(SchedulingOn.class)
		.withBean(Ticker.class)
		.withBean(RunRecorder.class)
		.withBean(RequestIdGenerator.class, ScheduledRunRequestIdAutoConfigurationTests::countingGenerator);

	@Test
	void byDefaultEveryRunCarriesTheFreshIdOfItsOwnContextAndListenersSeeIt() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ScheduledRunRequestIds.class);
			Ticker ticker = context.getBean(Ticker.class);
			assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ticker.once.await(10, TimeUnit.SECONDS)).isTrue();
			List<Seen> ticks = List.copyOf(ticker.ticks).subList(0, 3);
			for (Seen seen : ticks) {
				assertThat(seen.runId()).startsWith("gen-");
				assertThat(seen.holderId()).isEqualTo(seen.runId());
				assertThat(seen.mdcId()).isEqualTo(seen.runId());
			}
			assertThat(ticks.stream().map(Seen::runId)).doesNotHaveDuplicates();
			// a one-time @Scheduled task is a wall task: the same on that path
			Seen once = ticker.onceSeen.get(0);
			assertThat(once.runId()).startsWith("gen-").isEqualTo(once.holderId()).isEqualTo(once.mdcId());
			RunRecorder listener = context.getBean(RunRecorder.class);
			assertThat(listener.idsByTask.get(Ticker.class.getName() + ".tick"))
				.containsAll(ticks.stream().map(Seen::runId).toList());
			assertThat(listener.idsByTask.get(Ticker.class.getName() + ".once")).contains(once.runId());
		});
	}

	@Test
	void aTaskScheduledUnderAContextCarriesThatContextsId() {
		this.runner.run((context) -> assertThat(runUnder(context.getBean(TaskScheduler.class), "outer-1"))
			.isEqualTo(new Seen("outer-1", "outer-1", "outer-1")));
	}

	@Test
	void withNewContextPerRunOffARunCarriesTheIdOfTheContextItRunsUnder() {
		this.runner.withPropertyValues("context.scheduling.new-context-per-run=false").run((context) -> {
			assertThat(context).hasSingleBean(ScheduledRunRequestIds.class).doesNotHaveBean(ScheduledRunContexts.class);
			Ticker ticker = context.getBean(Ticker.class);
			assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ticker.ticks.get(0)).isEqualTo(new Seen("null", "null", "null"));
			assertThat(runUnder(context.getBean(TaskScheduler.class), "outer-2"))
				.isEqualTo(new Seen("outer-2", "outer-2", "outer-2"));
		});
	}

	@Test
	void aUserBeanWins() {
		this.runner.withBean(ScheduledRunRequestIds.class, () -> (task) -> "user-id").run((context) -> {
			assertThat(context).hasSingleBean(ScheduledRunRequestIds.class);
			Ticker ticker = context.getBean(Ticker.class);
			assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ticker.ticks.get(0).runId()).isEqualTo("user-id");
		});
	}

	@Test
	void absentWithoutTheClockJumpAwareScheduler() {
		this.runner.withPropertyValues("context.clock.scheduler.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(ClockJumpAwareTaskScheduler.class)
				.doesNotHaveBean(ScheduledRunRequestIds.class);
			assertThat(context.getBean(Ticker.class).threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
		});
	}

	@Test
	void absentWithoutTheRequestContext() {
		this.runner.withPropertyValues("context.request-id.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(ClockJumpAwareTaskScheduler.class)
				.doesNotHaveBean(ScheduledRunRequestIds.class);
			Ticker ticker = context.getBean(Ticker.class);
			assertThat(ticker.threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ticker.ticks.get(0).runId()).isEqualTo("null");
		});
	}

	@Test
	void absentWithoutScheduling() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RequestContextAutoConfiguration.class,
					ClockAutoConfiguration.class, ScheduledRunRequestIdAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ScheduledRunRequestIds.class));
	}

	/**
	 * Schedule a one-time task while {@code requestId}'s context is current, and return
	 * what the task saw.
	 */
	private static Seen runUnder(TaskScheduler scheduler, String requestId) throws Exception {
		CompletableFuture<Seen> seen = new CompletableFuture<>();
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of(requestId))) {
			scheduler.schedule(() -> seen.complete(Seen.now()), Instant.now());
		}
		return seen.get(10, TimeUnit.SECONDS);
	}

	/**
	 * What a run saw: its {@link ScheduledRun}'s ID, the holder's and the MDC's.
	 */
	record Seen(String runId, String holderId, String mdcId) {

		static Seen now() {
			ScheduledRun run = ScheduledRun.current();
			return new Seen(String.valueOf((run != null) ? run.requestId() : "no run"),
					String.valueOf(RequestIdContextHolder.currentRequestId()), String.valueOf(MDC.get("requestId")));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingOn {

	}

	private static RequestIdGenerator countingGenerator() {
		AtomicInteger counter = new AtomicInteger();
		return () -> "gen-" + counter.incrementAndGet();
	}

	static class Ticker {

		final CountDownLatch threeRuns = new CountDownLatch(3);

		final List<Seen> ticks = new CopyOnWriteArrayList<>();

		final CountDownLatch once = new CountDownLatch(1);

		final List<Seen> onceSeen = new CopyOnWriteArrayList<>();

		@Scheduled(fixedDelay = 20)
		void tick() {
			this.ticks.add(Seen.now());
			this.threeRuns.countDown();
		}

		@Scheduled(initialDelay = 10)
		void once() {
			this.onceSeen.add(Seen.now());
			this.once.countDown();
		}

	}

	/**
	 * Records the request ID each run's listener call saw, by task.
	 */
	static class RunRecorder implements ScheduledRunListener {

		final Map<String, List<String>> idsByTask = new ConcurrentHashMap<>();

		@Override
		public void onRun(ScheduledRun run) {
			this.idsByTask.computeIfAbsent(run.task(), (task) -> new CopyOnWriteArrayList<>())
				.add(String.valueOf(run.requestId()));
		}

	}

}
