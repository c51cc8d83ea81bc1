package dev.contextstarter.watchdog;

import org.jspecify.annotations.Nullable;

/**
 * What the watchdog thread remembers about one watched thread between two checks. Only
 * the watchdog thread reads or writes these fields.
 */
abstract class WatchedThread {

	/** The start (nanos) of the task or probe wait last seen in progress, 0 if none. */
	long observedStart;

	/** The thread's CPU time when that task was first seen, -1 when unknown. */
	long observedCpuNanos = -1;

	/** When that task was first seen. */
	long observedAt;

	/**
	 * The start of the task last found stuck but not to blame (starved of CPU), 0 if
	 * none.
	 */
	long notBlamedStart;

	/** The stall in progress on this thread, if any. */
	@Nullable ActiveStall activeStall;

	abstract @Nullable Thread thread();

	abstract StallSource source();

}
