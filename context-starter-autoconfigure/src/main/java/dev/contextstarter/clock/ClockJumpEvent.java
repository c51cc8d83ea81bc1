package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;

/**
 * The wall clock was stepped: between two checks it moved more (or less) than the
 * monotonic clock by more than the jump threshold.
 */
public final class ClockJumpEvent extends ClockEvent {

	private final JumpDirection direction;

	private final Duration magnitude;

	/**
	 * Create an event.
	 * @param source the detector
	 * @param direction which way the wall clock moved
	 * @param magnitude how far it moved relative to the monotonic clock (positive)
	 * @param wallBefore wall time at the previous check
	 * @param wallAfter wall time at this check
	 */
	public ClockJumpEvent(Object source, JumpDirection direction, Duration magnitude, Instant wallBefore,
			Instant wallAfter) {
		super(source, wallBefore, wallAfter);
		this.direction = direction;
		this.magnitude = magnitude;
	}

	/**
	 * Return which way the wall clock moved.
	 * @return the direction
	 */
	public JumpDirection getDirection() {
		return this.direction;
	}

	/**
	 * Return how far the wall clock moved relative to the monotonic clock.
	 * @return the magnitude, always positive
	 */
	public Duration getMagnitude() {
		return this.magnitude;
	}

	/**
	 * Return the jump as a signed duration: negative when the clock went back.
	 * @return the signed jump
	 */
	public Duration getSignedMagnitude() {
		return (this.direction == JumpDirection.FORWARD) ? this.magnitude : this.magnitude.negated();
	}

	@Override
	public String toString() {
		return "Wall clock jumped " + this.direction.tagValue() + " by " + seconds(this.magnitude) + " (from "
				+ getWallBefore() + " to " + getWallAfter() + ")";
	}

}
