package dev.contextstarter.watchdog;

/**
 * Counts since the watchdog started. Every stall and JVM pause reaches the log, in full
 * or in a summary line: once the summary of the current report interval is written,
 * {@code loggedInFull + summarized == stalls + jvmPauses}.
 *
 * @param stalls stalls of scheduler threads and event loops (JVM pauses not included)
 * @param cpuBound of those, stalls where the thread was burning CPU
 * @param blocked of those, stalls where the thread was blocked or waiting
 * @param jvmPauses pauses of the whole JVM
 * @param inProgress stalls going on right now
 * @param loggedInFull stalls and JVM pauses logged in full, within the log budget
 * @param summarized stalls and JVM pauses beyond the log budget, counted in summary lines
 * written so far
 * @param starved threads found stuck past the threshold but not blamed: runnable with
 * almost no CPU (an overloaded machine), or an event loop idle in its selector
 * @param watchedThreads non-blocking scheduler threads seen so far
 * @param watchedEventLoops event loops being probed
 * @param blockingCalls blocking calls on non-blocking threads caught by BlockHound
 * @param blockingCallsLoggedInFull of those, calls logged in full, within their own log
 * budget
 * @param blockingCallsSummarized of those, calls counted in summary lines written so far
 */
public record WatchdogTotals(long stalls, long cpuBound, long blocked, long jvmPauses, int inProgress,
		long loggedInFull, long summarized, long starved, int watchedThreads, int watchedEventLoops, long blockingCalls,
		long blockingCallsLoggedInFull, long blockingCallsSummarized) {

}
