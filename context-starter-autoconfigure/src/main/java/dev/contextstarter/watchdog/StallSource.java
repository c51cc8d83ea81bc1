package dev.contextstarter.watchdog;

/**
 * What kind of thread or event a stall report is about.
 */
public enum StallSource {

	/** A task run by a Reactor scheduler on a non-blocking thread. */
	SCHEDULER_TASK,

	/** A Netty event loop whose probe task did not run in time. */
	EVENT_LOOP,

	/** A pause of the whole JVM, seen by the watchdog's own thread. */
	JVM

}
