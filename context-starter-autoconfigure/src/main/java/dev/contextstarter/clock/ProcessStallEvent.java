package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;

/**
 * The process did not get to run its clock check for much longer than the check interval:
 * the JVM or the whole machine was paused (a long GC, SIGSTOP, a VM freeze).
 */
public final class ProcessStallEvent extends ClockEvent {

	private final Duration stall;

	private final Duration gap;

	/**
	 * Create an event.
	 * @param source the detector
	 * @param stall how much longer than the check interval the gap was
	 * @param gap the monotonic time between the two checks
	 * @param wallBefore wall time at the previous check
	 * @param wallAfter wall time at this check
	 */
	ProcessStallEvent(Object source, Duration stall, Duration gap, Instant wallBefore, Instant wallAfter) {
		super(source, wallBefore, wallAfter);
		this.stall = stall;
		this.gap = gap;
	}

	/**
	 * Return how much longer than the check interval the process was away.
	 * @return the stall
	 */
	public Duration getStall() {
		return this.stall;
	}

	/**
	 * Return the monotonic time between the two checks.
	 * @return the gap
	 */
	public Duration getGap() {
		return this.gap;
	}

	@Override
	public String toString() {
		return "Process stalled for " + seconds(this.stall) + " (" + seconds(this.gap) + " between two clock checks)";
	}

}
