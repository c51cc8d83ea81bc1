package dev.contextstarter.watchdog;

/**
 * Receives what the watchdog sees. Called on the watchdog's own thread, never on a
 * watched one; implementations must be quick and must not throw.
 */
public interface WatchdogListener {

	/**
	 * A stall was detected; the thread is still stuck (or the JVM pause just ended).
	 * @param report the report, without a total
	 */
	default void onStall(StallReport report) {
	}

	/**
	 * A stall ended.
	 * @param report the report, with its total
	 */
	default void onRecovery(StallReport report) {
	}

	/**
	 * A probe task ran on an event loop.
	 * @param loopThreadName the event loop thread's name
	 * @param lagNanos how long the probe waited in the loop's queue
	 */
	default void onEventLoopLag(String loopThreadName, long lagNanos) {
	}

	/**
	 * BlockHound caught a blocking call on a non-blocking thread (only when the watchdog
	 * reports blocking calls); passed on at the watchdog's next check.
	 * @param call the call
	 */
	default void onBlockingCall(BlockingCall call) {
	}

}
