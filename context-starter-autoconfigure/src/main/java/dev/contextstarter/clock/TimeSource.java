package dev.contextstarter.clock;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The two clocks a process has: the wall clock, which can be stepped (NTP, an operator, a
 * VM restore), and a monotonic clock, which only moves forward at a steady rate.
 * <p>
 * Everything in this package reads time through this interface so that tests can step
 * either clock by hand.
 */
public interface TimeSource {

	/**
	 * Return the current wall-clock time.
	 * @return the wall-clock instant
	 */
	Instant wallTime();

	/**
	 * Return the monotonic clock's reading. Only differences between two readings mean
	 * anything.
	 * @return nanoseconds from an arbitrary origin
	 */
	long monotonicNanos();

	/**
	 * Return a {@link Clock} (in UTC) that reads this source's wall time.
	 * @return a clock view of the wall time
	 */
	default Clock asClock() {
		return new WallClock(this, ZoneOffset.UTC);
	}

	/**
	 * Return the system time source: {@link Instant#now()} and {@link System#nanoTime()}.
	 * @return the system time source
	 */
	static TimeSource system() {
		return SystemTimeSource.INSTANCE;
	}

	/**
	 * A {@link Clock} that reads a {@link TimeSource}'s wall time.
	 */
	final class WallClock extends Clock {

		private final TimeSource source;

		private final ZoneId zone;

		WallClock(TimeSource source, ZoneId zone) {
			this.source = source;
			this.zone = zone;
		}

		@Override
		public ZoneId getZone() {
			return this.zone;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return new WallClock(this.source, zone);
		}

		@Override
		public Instant instant() {
			return this.source.wallTime();
		}

		@Override
		public String toString() {
			return "WallClock[" + this.source + "," + this.zone + "]";
		}

	}

}
