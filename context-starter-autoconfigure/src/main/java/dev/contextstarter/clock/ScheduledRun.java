package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a running task can learn about its run from {@link #current()}.
 *
 * @param task the task's name (for {@code @Scheduled} methods, the qualified method name)
 * @param nominalTime the occurrence this run stands for (for elapsed tasks, the start
 * time)
 * @param actualTime the wall time the run started
 * @param missedCount for a {@code fire-once} run, the other occurrences more than the
 * grace period late that it stands for; otherwise 0
 * @param reason why the task runs now
 */
public record ScheduledRun(String task, Instant nominalTime, Instant actualTime, long missedCount, RunReason reason) {

	private static final ThreadLocal<@Nullable ScheduledRun> CURRENT = new ThreadLocal<>();

	/**
	 * Return the run of the task executing on this thread.
	 * @return the current run, or {@code null} outside a task run by the clock-jump-aware
	 * scheduler
	 */
	public static @Nullable ScheduledRun current() {
		return CURRENT.get();
	}

	/**
	 * Return how late the run started relative to its nominal time.
	 * @return the lateness, never negative
	 */
	public Duration lateness() {
		Duration lateness = Duration.between(this.nominalTime, this.actualTime);
		return lateness.isNegative() ? Duration.ZERO : lateness;
	}

	void runWith(Runnable task) {
		ScheduledRun previous = CURRENT.get();
		CURRENT.set(this);
		try {
			task.run();
		}
		finally {
			if (previous != null) {
				CURRENT.set(previous);
			}
			else {
				CURRENT.remove();
			}
		}
	}

}
