package dev.contextstarter.clock;

import java.time.Instant;

/**
 * One reading of both clocks. The wall clock is read between two monotonic reads; the
 * monotonic value is their midpoint and {@code uncertaintyNanos} half their distance, so
 * a thread preempted between the reads (a busy machine, a slow {@code libfaketime} read)
 * is not mistaken for a clock jump.
 *
 * @param wall the wall time
 * @param mono the monotonic time matching it
 * @param uncertaintyNanos how far off {@code mono} may be
 */
record ClockReading(Instant wall, long mono, long uncertaintyNanos) {

	/** Retry a reading whose bracket is wider than this (1 ms): it was preempted. */
	private static final long TIGHT_NANOS = 1_000_000;

	private static final int ATTEMPTS = 3;

	static ClockReading of(TimeSource time) {
		ClockReading best = read(time);
		for (int attempt = 1; attempt < ATTEMPTS && !best.isTight(); attempt++) {
			ClockReading reading = read(time);
			if (reading.uncertaintyNanos < best.uncertaintyNanos) {
				best = reading;
			}
		}
		return best;
	}

	private static ClockReading read(TimeSource time) {
		long before = time.monotonicNanos();
		Instant wall = time.wallTime();
		long after = time.monotonicNanos();
		long half = (after - before) / 2;
		return new ClockReading(wall, before + half, half);
	}

	private boolean isTight() {
		return this.uncertaintyNanos * 2 <= TIGHT_NANOS;
	}

}
