package dev.contextstarter.clock;

/**
 * Why a scheduled task is running now.
 */
public enum RunReason {

	/** A wall-clock occurrence, woken within one check interval of its nominal time. */
	ON_TIME,

	/** A wall-clock occurrence run late, but within the grace period. */
	LATE,

	/**
	 * One coalesced run for occurrences missed beyond the grace period
	 * ({@code fire-once}).
	 */
	MISFIRE,

	/** A wall-clock occurrence repeated after the clock went back ({@code rerun}). */
	RERUN,

	/** A fixed-rate or fixed-delay task: it follows elapsed time, not the wall clock. */
	ELAPSED

}
