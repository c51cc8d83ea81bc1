package dev.contextstarter.clock;

/**
 * What a wall-clock task does after the wall clock is stepped back by J.
 */
public enum BackwardPolicy {

	/**
	 * {@link #HOLD} when J is shorter than the task's period (a daily report never runs
	 * twice), {@link #RERUN} otherwise (a 5-second poller never falls silent for the hour
	 * the clock went back).
	 */
	AUTO,

	/**
	 * Never repeat an occurrence that already ran: wait until the wall clock passes it.
	 */
	HOLD,

	/** Resume at the next occurrence after the new wall time, repeating earlier ones. */
	RERUN

}
