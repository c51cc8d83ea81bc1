package dev.contextstarter.clock;

import dev.contextstarter.support.EnumSpelling;

/**
 * What a wall-clock task does when it wakes up later than the grace period after its
 * nominal time (the wall clock jumped forward, or the process was stalled).
 */
public enum MisfirePolicy {

	/** Run once for all the missed occurrences and report how many were folded in. */
	FIRE_ONCE,

	/** Do not run; resume at the next occurrence after the current wall time. */
	SKIP;

	String tagValue() {
		return EnumSpelling.of(this);
	}

}
