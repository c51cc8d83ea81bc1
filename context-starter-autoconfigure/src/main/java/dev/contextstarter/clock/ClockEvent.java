package dev.contextstarter.clock;

import java.time.Instant;

import org.springframework.context.ApplicationEvent;

/**
 * Something the {@link ClockJumpDetector} noticed between two of its checks.
 */
public abstract sealed class ClockEvent extends ApplicationEvent permits ClockJumpEvent, ProcessStallEvent {

	private final Instant wallBefore;

	private final Instant wallAfter;

	ClockEvent(Object source, Instant wallBefore, Instant wallAfter) {
		super(source);
		this.wallBefore = wallBefore;
		this.wallAfter = wallAfter;
	}

	/**
	 * Return the wall time at the previous check.
	 * @return the wall time before
	 */
	public Instant getWallBefore() {
		return this.wallBefore;
	}

	/**
	 * Return the wall time at the check that noticed the event.
	 * @return the wall time after
	 */
	public Instant getWallAfter() {
		return this.wallAfter;
	}

	static String seconds(java.time.Duration duration) {
		return String.format(java.util.Locale.ROOT, "%.1f s", duration.toNanos() / 1e9);
	}

}
