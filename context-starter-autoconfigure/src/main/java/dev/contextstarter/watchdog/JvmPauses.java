package dev.contextstarter.watchdog;

/**
 * The last JVM-wide pauses the watchdog thread saw (its check woke up late), so that the
 * time a task spent paused with the whole JVM is not counted against the task. Used by
 * the watchdog thread only.
 */
final class JvmPauses {

	private static final int HISTORY = 64;

	private final long[] starts = new long[HISTORY];

	private final long[] ends = new long[HISTORY];

	private int count;

	void record(long from, long to) {
		int index = this.count++ % HISTORY;
		this.starts[index] = from;
		this.ends[index] = to;
	}

	/** How much of the span from {@code from} to {@code to} the JVM spent paused. */
	long pausedBetween(long from, long to) {
		long paused = 0;
		for (int i = 0; i < Math.min(this.count, HISTORY); i++) {
			long overlap = Math.min(to, this.ends[i]) - Math.max(from, this.starts[i]);
			if (overlap > 0) {
				paused += overlap;
			}
		}
		return paused;
	}

}
