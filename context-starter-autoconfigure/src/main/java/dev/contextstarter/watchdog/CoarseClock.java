package dev.contextstarter.watchdog;

/**
 * The watchdog's time, set by its thread at every check and read by watched threads when
 * a task starts. Reading a clock per task costs 20 to 100 ns (far more on some virtual
 * machines); reading this field costs about one. Its resolution is one check interval,
 * which is also the watchdog's own resolution.
 */
final class CoarseClock {

	private volatile long nanos;

	CoarseClock(long nanos) {
		set(nanos);
	}

	/**
	 * The time of the last check, never {@code 0} (which means idle in a
	 * {@link TaskSlot}).
	 */
	long now() {
		return this.nanos;
	}

	void set(long nanos) {
		this.nanos = (nanos != 0) ? nanos : 1;
	}

}
