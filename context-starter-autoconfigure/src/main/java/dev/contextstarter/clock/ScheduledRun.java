package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

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
 * @param requestId the request ID the run runs under: the fresh ID of the run's own
 * context when every {@code @Scheduled} run opens one
 * ({@code context.scheduling.new-context-per-run}), otherwise the ID of the context the
 * task was scheduled under (for example a request's); {@code null} when it runs under
 * none, or when the scheduler was given no {@link ScheduledRunRequestIds}
 */
public record ScheduledRun(String task, Instant nominalTime, Instant actualTime, long missedCount, RunReason reason,
		@Nullable String requestId) {

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

	/**
	 * Return this run with the request ID it runs under.
	 */
	ScheduledRun withRequestId(@Nullable String requestId) {
		if (Objects.equals(requestId, this.requestId)) {
			return this;
		}
		return new ScheduledRun(this.task, this.nominalTime, this.actualTime, this.missedCount, this.reason, requestId);
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
