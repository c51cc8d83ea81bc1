package dev.contextstarter.watchdog;

/**
 * Counts since the watchdog started.
 *
 * @param stalls stalls of scheduler threads and event loops (JVM pauses not included)
 * @param cpuBound of those, stalls where the thread was burning CPU
 * @param blocked of those, stalls where the thread was blocked or waiting
 * @param jvmPauses pauses of the whole JVM
 * @param inProgress stalls going on right now
 * @param suppressedLogs stall log lines left out by the per-thread rate limit
 * @param starved threads found stuck past the threshold but not blamed: runnable with almost no
 * CPU (an overloaded machine), or an event loop idle in its selector
 * @param watchedThreads non-blocking scheduler threads seen so far
 * @param watchedEventLoops event loops being probed
 */
public record WatchdogTotals(long stalls, long cpuBound, long blocked, long jvmPauses, int inProgress,
		long suppressedLogs, long starved, int watchedThreads, int watchedEventLoops) {

}
