package dev.contextstarter.clock;

import org.jspecify.annotations.Nullable;

/**
 * Tells a {@link ClockJumpAwareTaskScheduler} the request ID each run of a task runs
 * under, for {@link ScheduledRun#requestId()}. The clock knows nothing of request
 * contexts: the starter's request-context feature plugs in here.
 */
@FunctionalInterface
public interface ScheduledRunRequestIds {

	/**
	 * Return the request ID the run of {@code task} about to start will run under. Called
	 * once per run, on the run's thread, before the {@link ScheduledRunListener}s are
	 * told and the task runs.
	 * @param task the task as it was scheduled
	 * @return the ID, or {@code null} when the run has none
	 */
	@Nullable String requestIdOfNextRun(Runnable task);

}
