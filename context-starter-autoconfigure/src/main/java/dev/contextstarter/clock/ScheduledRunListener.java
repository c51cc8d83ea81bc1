package dev.contextstarter.clock;

/**
 * Told about the runs and misfires of a {@link ClockJumpAwareTaskScheduler}'s tasks
 * (metrics use it). Called on the scheduler's thread: keep it cheap.
 */
public interface ScheduledRunListener {

	/**
	 * A task is about to run.
	 * @param run the run, with the {@link ScheduledRun#requestId() request ID} it is
	 * about to run under
	 */
	default void onRun(ScheduledRun run) {
	}

	/**
	 * A wall-clock task woke up beyond its grace period and the misfire policy was
	 * applied.
	 * @param task the task's name
	 * @param policy the policy applied
	 * @param missed how many occurrences more than the grace period late it took: run
	 * once for ({@code fire-once}) or skipped ({@code skip}); for a trigger that is not
	 * one of Spring's, only those the trigger returned
	 */
	default void onMisfire(String task, MisfirePolicy policy, long missed) {
	}

}
