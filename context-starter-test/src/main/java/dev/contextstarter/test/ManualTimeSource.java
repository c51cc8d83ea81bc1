package dev.contextstarter.test;

import java.time.Duration;
import java.time.Instant;

import dev.contextstarter.clock.TimeSource;

/**
 * A {@link TimeSource} stepped by hand: {@link #advance(Duration)} lets time pass (both
 * clocks move), {@link #jump(Duration)} steps only the wall clock, as NTP or an operator
 * would.
 * <p>
 * Put it into a Spring test with {@link ImportManualTimeSource @ImportManualTimeSource},
 * or register it as a bean: the starter's system time source backs off when any
 * {@link TimeSource} bean exists. Thread-safe.
 */
public class ManualTimeSource implements TimeSource {

	/** Where a new manual time source starts: a Monday, mid-morning UTC. */
	public static final Instant DEFAULT_START = Instant.parse("2026-01-05T10:00:30Z");

	private Instant wall;

	private long mono;

	/**
	 * Create a time source starting at {@link #DEFAULT_START}.
	 */
	public ManualTimeSource() {
		this(DEFAULT_START);
	}

	/**
	 * Create a time source starting at the given wall time.
	 * @param start the wall time
	 */
	public ManualTimeSource(Instant start) {
		this.wall = start;
		// an arbitrary origin, as System.nanoTime's is
		this.mono = 1_000_000_000_000L;
	}

	@Override
	public synchronized Instant wallTime() {
		return this.wall;
	}

	@Override
	public synchronized long monotonicNanos() {
		return this.mono;
	}

	/**
	 * Let time pass: both clocks move by {@code duration}.
	 * @param duration how long (not negative)
	 * @return this
	 */
	public synchronized ManualTimeSource advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("Time only passes forward; use jump() to step the wall clock back");
		}
		this.wall = this.wall.plus(duration);
		this.mono += duration.toNanos();
		return this;
	}

	/**
	 * Step the wall clock by {@code offset} (negative steps it back); the monotonic clock
	 * does not move.
	 * @param offset the step
	 * @return this
	 */
	public synchronized ManualTimeSource jump(Duration offset) {
		this.wall = this.wall.plus(offset);
		return this;
	}

	/**
	 * Set the wall clock; the monotonic clock does not move.
	 * @param wall the new wall time
	 * @return this
	 */
	public synchronized ManualTimeSource setWallTime(Instant wall) {
		this.wall = wall;
		return this;
	}

	@Override
	public synchronized String toString() {
		return "ManualTimeSource[wall=" + this.wall + ", mono=" + this.mono + "]";
	}

}
