package dev.contextstarter.clock;

import java.time.Instant;

/**
 * The JVM's clocks: {@link Instant#now()} (CLOCK_REALTIME) and {@link System#nanoTime()}
 * (CLOCK_MONOTONIC on Linux).
 */
enum SystemTimeSource implements TimeSource {

	INSTANCE;

	@Override
	public Instant wallTime() {
		return Instant.now();
	}

	@Override
	public long monotonicNanos() {
		return System.nanoTime();
	}

	@Override
	public String toString() {
		return "SystemTimeSource";
	}

}
