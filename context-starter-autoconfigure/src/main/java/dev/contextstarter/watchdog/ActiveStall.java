package dev.contextstarter.watchdog;

/**
 * A stall in progress: the watched thread, when its stuck task started, the report
 * published when it was found, and the stack samples taken since. Used by the watchdog
 * thread only.
 */
final class ActiveStall {

	final WatchedThread watched;

	final long startNanos;

	final StallReport report;

	final StackSamples samples;

	ActiveStall(WatchedThread watched, long startNanos, StallReport report, StackSamples samples) {
		this.watched = watched;
		this.startNanos = startNanos;
		this.report = report;
		this.samples = samples;
	}

	/**
	 * One more sample of the stuck thread, while the cap allows: a stack costs a
	 * safepoint.
	 */
	void sample(Thread thread) {
		if (!this.samples.full()) {
			this.samples.add(thread.getStackTrace(), thread.getState());
		}
	}

}
