package dev.contextstarter.watchdog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Watchdog}'s checks, driven by a manual clock: each {@code check} is
 * one tick of the watchdog thread.
 */
@ExtendWith(OutputCaptureExtension.class)
class WatchdogTests {

	private static final long MS = 1_000_000L;

	private static final String SUMMARY = "Watchdog summary: ";

	private final AtomicLong nanos = new AtomicLong(1_000_000 * MS);

	private final List<StallReport> stalls = new CopyOnWriteArrayList<>();

	private final List<StallReport> recoveries = new CopyOnWriteArrayList<>();

	private final CountDownLatch releaseWorker = new CountDownLatch(1);

	private final CountDownLatch workerReady = new CountDownLatch(1);

	private Thread worker;

	private Watchdog watchdog;

	@BeforeEach
	void startWorker() throws InterruptedException {
		this.worker = new Thread(() -> {
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
				.open(RequestIdContext.of("req-42").withField("tenant", "acme"))) {
				this.workerReady.countDown();
				waitForRelease();
			}
		}, "parallel-7");
		this.worker.start();
		assertThat(this.workerReady.await(5, TimeUnit.SECONDS)).isTrue();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.worker.getState() == Thread.State.WAITING);
		this.watchdog = watchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ZERO));
	}

	@AfterEach
	void stopWorker() throws InterruptedException {
		this.releaseWorker.countDown();
		this.worker.join(5000);
		this.watchdog.close();
	}

	@Test
	void reportsATaskStuckPastTheThresholdOnceWithItsRequestAndStack() {
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		long start = this.nanos.get();
		slot.begin(start);
		tick(4); // 200 ms: at the threshold, not past it
		assertThat(this.stalls).isEmpty();
		tick(1);
		tick(3);
		assertThat(this.stalls).singleElement().satisfies((report) -> {
			assertThat(report.source()).isEqualTo(StallSource.SCHEDULER_TASK);
			assertThat(report.threadName()).isEqualTo("parallel-7");
			assertThat(report.pool()).isEqualTo("parallel");
			assertThat(report.requestId()).isEqualTo("req-42");
			assertThat(report.requestContext().field("tenant")).isEqualTo("acme");
			assertThat(report.durationSoFar()).isEqualTo(Duration.ofMillis(250));
			assertThat(report.threshold()).isEqualTo(Duration.ofMillis(200));
			assertThat(report.cause()).isEqualTo(StallCause.BLOCKED);
			assertThat(report.threadState()).isEqualTo(Thread.State.WAITING);
			assertThat(report.hasFrame(WatchdogTests.class.getName(), "waitForRelease")).isTrue();
			assertThat(report.ended()).isFalse();
		});
		assertThat(this.watchdog.stallsInProgress()).singleElement()
			.satisfies((report) -> assertThat(report.durationSoFar()).isEqualTo(Duration.ofMillis(400)));
		assertThat(this.watchdog.stalledNow()).isOne();
		slot.end(start);
		tick(1);
		assertThat(this.recoveries).singleElement().satisfies((report) -> {
			assertThat(report.id()).isEqualTo(this.stalls.get(0).id());
			assertThat(report.ended()).isTrue();
		});
		assertThat(this.watchdog.stalledNow()).isZero();
		assertThat(this.watchdog.recentStalls()).hasSize(1);
		assertThat(this.watchdog.totals().stalls()).isOne();
		assertThat(this.watchdog.totals().blocked()).isOne();
	}

	@Test
	void idleAndShortTasksAreNotReported() {
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		for (int i = 0; i < 100; i++) {
			long start = this.nanos.get();
			slot.begin(start);
			tick(2);
			slot.end(start);
			tick(1);
		}
		assertThat(this.stalls).isEmpty();
		assertThat(this.watchdog.totals().stalls()).isZero();
	}

	@Test
	void nothingIsReportedDuringTheStartupGrace() {
		this.watchdog.close();
		this.watchdog = watchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ofSeconds(1)));
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		slot.begin(this.nanos.get());
		tick(19);
		assertThat(this.stalls).isEmpty();
		tick(1);
		assertThat(this.stalls).hasSize(1);
	}

	@Test
	void aJvmPauseIsLabelledAndNotBlamedOnTheRunningTask() {
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		long start = this.nanos.get();
		slot.begin(start);
		this.watchdog.check(this.nanos.get());
		// The watchdog thread wakes up 1 s late: the JVM was paused.
		this.watchdog.check(this.nanos.addAndGet(1000 * MS));
		assertThat(this.stalls).singleElement().satisfies((report) -> {
			assertThat(report.cause()).isEqualTo(StallCause.JVM_PAUSE);
			assertThat(report.source()).isEqualTo(StallSource.JVM);
			assertThat(report.durationSoFar()).isEqualTo(Duration.ofMillis(950));
		});
		assertThat(this.watchdog.totals().jvmPauses()).isOne();
		assertThat(this.watchdog.totals().stalls()).isZero();
		// 150 ms of the task's own time: still under the threshold.
		tick(3);
		assertThat(this.stalls).hasSize(1);
		tick(1);
		assertThat(this.stalls).hasSize(2);
		assertThat(this.stalls.get(1).source()).isEqualTo(StallSource.SCHEDULER_TASK);
		assertThat(this.stalls.get(1).durationSoFar()).isEqualTo(Duration.ofMillis(1200));
	}

	@Test
	void aLateCheckDoesNotMakeAFreshTaskLookStuck() {
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		tick(1);
		// The task takes its start from the coarse clock: the last check.
		slot.begin(this.watchdog.coarseClock().now());
		// The next check comes 160 ms late (below the JVM pause threshold): the watchdog
		// thread did not run, so that time says nothing about the task.
		this.watchdog.check(this.nanos.addAndGet(210 * MS));
		assertThat(this.stalls).isEmpty();
		tick(3);
		assertThat(this.stalls).isEmpty();
		tick(1);
		assertThat(this.stalls).singleElement()
			.satisfies((report) -> assertThat(report.source()).isEqualTo(StallSource.SCHEDULER_TASK));
	}

	@Test
	void stallsBeyondTheLogBudgetAreSummedUpInOneLineWhenTheIntervalEnds(CapturedOutput output) {
		this.watchdog.close();
		this.watchdog = watchdog(
				WatchdogSettings.defaults().withStartupGrace(Duration.ZERO).withLogBudget(Duration.ofSeconds(10), 2));
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		stallRepeatedly(slot, 5, 5);
		assertThat(this.stalls).hasSize(5);
		assertThat(this.recoveries).hasSize(5);
		assertThat(this.watchdog.totals().loggedInFull()).isEqualTo(2);
		assertThat(this.watchdog.totals().summarized()).isZero();
		assertThat(output).doesNotContain(SUMMARY);
		tick(200);
		assertThat(this.watchdog.totals().loggedInFull()).isEqualTo(2);
		assertThat(this.watchdog.totals().summarized()).isEqualTo(3);
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("Thread 'parallel-7' (pool parallel) stuck for"))).hasSize(2)
			.allSatisfy((line) -> assertThat(line).contains("serving request req-42 {tenant=acme}")
				.contains("at " + WatchdogTests.class.getName() + ".waitForRelease("));
		assertThat(output.getOut().lines().filter((line) -> line.contains(SUMMARY))).singleElement()
			.satisfies((line) -> assertThat(line).contains(SUMMARY + "3 more stalls in the last 10.0 s")
				.contains("threads [parallel-7]")
				.contains("requests [req-42]")
				.contains("worst 250 ms"));
	}

	@Test
	void withoutABudgetEveryStallIsLoggedInFull() {
		this.watchdog.close();
		this.watchdog = watchdog(
				WatchdogSettings.defaults().withStartupGrace(Duration.ZERO).withLogBudget(Duration.ZERO, 1));
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		stallRepeatedly(slot, 3, 5);
		assertThat(this.watchdog.totals().loggedInFull()).isEqualTo(3);
		assertThat(this.watchdog.totals().summarized()).isZero();
	}

	@Test
	void eachEndedStallAndJvmPauseIsAJfrEvent(@TempDir Path dir) throws IOException {
		this.watchdog.addListener(new StallJfrEvents());
		Path file = dir.resolve("stalls.jfr");
		try (Recording recording = new Recording()) {
			recording.enable(StallJfrEvents.STALL_EVENT);
			recording.enable(StallJfrEvents.JVM_PAUSE_EVENT);
			recording.start();
			TaskSlot slot = this.watchdog.watchThread(this.worker);
			stallRepeatedly(slot, 2, 6);
			this.watchdog.check(this.nanos.addAndGet(1000 * MS));
			recording.stop();
			recording.dump(file);
		}
		List<RecordedEvent> events = RecordingFile.readAllEvents(file);
		assertThat(events.stream().filter((event) -> event.getEventType().getName().equals(StallJfrEvents.STALL_EVENT)))
			.hasSize(2)
			.allSatisfy((event) -> {
				assertThat(event.getString("requestId")).isEqualTo("req-42");
				assertThat(event.getString("requestFields")).isEqualTo("{tenant=acme}");
				assertThat(event.getString("threadName")).isEqualTo("parallel-7");
				assertThat(event.getString("pool")).isEqualTo("parallel");
				assertThat(event.getString("cause")).isEqualTo("blocked");
				assertThat(this.recoveries).anySatisfy(
						(recovery) -> assertThat(recovery.total()).isEqualTo(event.getDuration("stallDuration")));
				assertThat(event.getString("stack"))
					.contains(WatchdogTests.class.getName() + ".waitForRelease(WatchdogTests.java:");
				assertThat(event.getString("hotFrames")).startsWith("100% ");
			});
		assertThat(events.stream()
			.filter((event) -> event.getEventType().getName().equals(StallJfrEvents.JVM_PAUSE_EVENT))).singleElement()
			.satisfies((event) -> assertThat(event.getDuration("pauseDuration")).isEqualTo(Duration.ofMillis(950)));
	}

	@Test
	void recentStallsAreARingBuffer() {
		this.watchdog.close();
		this.watchdog = watchdog(new WatchdogSettings(Duration.ofMillis(200), Duration.ofMillis(200),
				Duration.ofMillis(50), Duration.ZERO, Duration.ZERO, Duration.ofMillis(200), 2, 4));
		TaskSlot slot = this.watchdog.watchThread(this.worker);
		stallRepeatedly(slot, 3, 5);
		assertThat(this.watchdog.recentStalls()).extracting(StallReport::id).containsExactly(3L, 2L);
		assertThat(this.watchdog.recentStalls().get(0).stack()).hasSizeLessThanOrEqualTo(4);
	}

	@Test
	void poolIsTheThreadNameWithoutItsNumber() {
		assertThat(Watchdog.poolOf("parallel-3")).isEqualTo("parallel");
		assertThat(Watchdog.poolOf("reactor-http-nio-12")).isEqualTo("reactor-http-nio");
		assertThat(Watchdog.poolOf("single")).isEqualTo("single");
		assertThat(Watchdog.poolOf("worker7")).isEqualTo("worker");
		assertThat(Watchdog.poolOf("42")).isEqualTo("42");
	}

	private Watchdog watchdog(WatchdogSettings settings) {
		Watchdog watchdog = new Watchdog(settings, this.nanos::get,
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
		watchdog.addListener(new WatchdogListener() {

			@Override
			public void onStall(StallReport report) {
				WatchdogTests.this.stalls.add(report);
			}

			@Override
			public void onRecovery(StallReport report) {
				WatchdogTests.this.recoveries.add(report);
			}

		});
		return watchdog;
	}

	/**
	 * Run {@code times} tasks that each last {@code intervals} checks, with one check
	 * between them.
	 */
	private void stallRepeatedly(TaskSlot slot, int times, int intervals) {
		for (int i = 0; i < times; i++) {
			long start = this.nanos.get();
			slot.begin(start);
			tick(intervals);
			slot.end(start);
			tick(1);
		}
	}

	/** Advance the clock by whole check intervals of 50 ms, checking after each. */
	private void tick(int intervals) {
		for (int i = 0; i < intervals; i++) {
			this.watchdog.check(this.nanos.addAndGet(50 * MS));
		}
	}

	private void waitForRelease() {
		try {
			this.releaseWorker.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
