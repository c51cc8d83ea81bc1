package dev.contextstarter.watchdog;

/**
 * Why a thread was stuck, as far as the watchdog can tell while it is still stuck.
 */
public enum StallCause {

	/** The thread was runnable and burning CPU: a busy loop or heavy computation. */
	CPU_BOUND("cpu-bound"),

	/**
	 * The thread was blocked, waiting or sleeping, or runnable without using CPU
	 * (blocking I/O).
	 */
	BLOCKED("blocked"),

	/** The whole JVM was paused (GC, safepoint, process suspended); no task is blamed. */
	JVM_PAUSE("jvm-pause");

	private final String tag;

	StallCause(String tag) {
		this.tag = tag;
	}

	/**
	 * The value used in metric tags and JSON.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
