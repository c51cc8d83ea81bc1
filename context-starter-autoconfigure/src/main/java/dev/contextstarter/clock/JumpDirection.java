package dev.contextstarter.clock;

import dev.contextstarter.support.EnumSpelling;

/**
 * Which way the wall clock was stepped.
 */
public enum JumpDirection {

	/** The wall clock moved ahead of the monotonic clock. */
	FORWARD,

	/** The wall clock moved back relative to the monotonic clock. */
	BACKWARD;

	String tagValue() {
		return EnumSpelling.of(this);
	}

}
