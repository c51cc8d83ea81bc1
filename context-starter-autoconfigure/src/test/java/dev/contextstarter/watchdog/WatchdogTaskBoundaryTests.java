package dev.contextstarter.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stall is reported with the request of the task that was stuck, even when that task
 * ends while the watchdog reads the thread's stack and context and the next task (another
 * request) has begun: a wrong ID is worse than none. A worker runs short tasks back to
 * back, each under its own request and each looking stuck to the watchdog (a start far in
 * the past of its manual clock), while the test checks as fast as it can until it has
 * {@value #REPORTS} reports; each report's start says which task it was.
 */
class WatchdogTaskBoundaryTests {

	private static final long MS = 1_000_000L;

	/**
	 * Enough reports to meet many task boundaries: before the fix, most of them named a
	 * later task.
	 */
	private static final int REPORTS = 200;

	/** A bound on the test's length, whatever the machine's load. */
	private static final Duration TIME_LIMIT = Duration.ofSeconds(60);

	private final AtomicLong nanos = new AtomicLong(1_000_000 * MS);

	/**
	 * Task {@code i} starts at {@code base + i}: older than the threshold at every check.
	 */
	private final long base = this.nanos.get() - 10_000 * MS;

	private final List<String> mismatches = new CopyOnWriteArrayList<>();

	private final AtomicLong reports = new AtomicLong();

	@Test
	void aStallIsNeverReportedWithTheRequestOfTheTaskAfterIt() throws InterruptedException {
		Watchdog watchdog = new Watchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ZERO), this.nanos::get,
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
		watchdog.addListener(new WatchdogListener() {

			@Override
			public void onStall(StallReport report) {
				checkRequestOf(report);
			}

		});
		AtomicBoolean stop = new AtomicBoolean();
		CountDownLatch slotReady = new CountDownLatch(1);
		CountDownLatch firstTaskBegun = new CountDownLatch(1);
		TaskSlot[] slot = new TaskSlot[1];
		Thread worker = new Thread(() -> {
			try {
				slotReady.await();
			}
			catch (InterruptedException ex) {
				return;
			}
			for (long i = 1; !stop.get(); i++) {
				// As the scheduler hook and the task timer do: context, then start; end,
				// then context.
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("task-" + i))) {
					slot[0].begin(this.base + i);
					firstTaskBegun.countDown();
					LockSupport.parkNanos(100_000);
					slot[0].end(this.base + i);
				}
			}
		}, "parallel-3");
		worker.setDaemon(true);
		worker.start();
		try {
			slot[0] = watchdog.watchThread(worker);
			slotReady.countDown();
			// The first context opened initialises the logging system: checks start after
			// it.
			assertThat(firstTaskBegun.await(10, TimeUnit.SECONDS)).isTrue();
			long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
			// Bounded by time, not by a number of checks: on a loaded machine the worker
			// runs few tasks per thousand checks, and only a new task makes a report.
			while (this.reports.get() < REPORTS && System.nanoTime() < deadline) {
				watchdog.check(this.nanos.addAndGet(50 * MS));
			}
		}
		finally {
			stop.set(true);
			worker.join(TimeUnit.SECONDS.toMillis(10));
			watchdog.close();
		}
		assertThat(this.reports.get()).isGreaterThanOrEqualTo(REPORTS);
		assertThat(this.mismatches).isEmpty();
	}

	private void checkRequestOf(StallReport report) {
		this.reports.incrementAndGet();
		// Listeners run on the checking thread, inside the check at the current manual
		// time.
		long task = this.nanos.get() - report.durationSoFar().toNanos() - this.base;
		String expected = "task-" + task;
		if (!expected.equals(report.requestId())) {
			this.mismatches.add(expected + " reported as " + report.requestId());
		}
	}

}
