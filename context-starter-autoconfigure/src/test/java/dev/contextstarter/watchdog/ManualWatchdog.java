package dev.contextstarter.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

/**
 * A {@link Watchdog} on a manual clock, checked by the test, for tests outside this
 * package.
 */
public final class ManualWatchdog {

	private static final long MS = 1_000_000L;

	private final AtomicLong nanos = new AtomicLong(1_000_000 * MS);

	private final Watchdog watchdog;

	public ManualWatchdog(WatchdogSettings settings) {
		this.watchdog = new Watchdog(settings, this.nanos::get,
				Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
	}

	public Watchdog watchdog() {
		return this.watchdog;
	}

	/**
	 * Make {@code thread} look stuck in one task for {@code millis}, checking every
	 * interval, then end the task and check once more.
	 */
	public void stall(Thread thread, long millis, long intervalMillis) {
		TaskSlot slot = this.watchdog.watchThread(thread);
		long start = this.nanos.get();
		slot.begin(start);
		for (long elapsed = 0; elapsed < millis; elapsed += intervalMillis) {
			this.watchdog.check(this.nanos.addAndGet(intervalMillis * MS));
		}
		slot.end(start);
		this.watchdog.check(this.nanos.addAndGet(intervalMillis * MS));
	}

	/**
	 * Make {@code thread} look stuck and leave it so.
	 */
	public void stallWithoutEnd(Thread thread, long millis, long intervalMillis) {
		TaskSlot slot = this.watchdog.watchThread(thread);
		slot.begin(this.nanos.get());
		for (long elapsed = 0; elapsed < millis; elapsed += intervalMillis) {
			this.watchdog.check(this.nanos.addAndGet(intervalMillis * MS));
		}
	}

	/**
	 * Wait until {@code thread} is asleep, so the watchdog blames it: a thread that has
	 * been started but not yet reached its sleep is runnable, and a runnable thread using
	 * no CPU is treated as starved, not stuck.
	 */
	public static void awaitAsleep(Thread thread) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
	}

	public void lag(String loopThreadName, long lagNanos) {
		// Goes through the same listeners as a probe that ran.
		this.watchdog.notifyLag(loopThreadName, lagNanos);
	}

}
