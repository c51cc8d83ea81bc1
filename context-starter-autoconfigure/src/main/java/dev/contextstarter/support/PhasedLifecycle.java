package dev.contextstarter.watchdog.autoconfigure;

import org.springframework.context.SmartLifecycle;

/**
 * Starts one part of the watchdog with the application context and stops it when the
 * context closes.
 */
final class WatchdogLifecycle implements SmartLifecycle {

	/** The watchdog thread starts before anything it watches and stops after it. */
	static final int WATCHDOG_PHASE = -1000;

	/** The Reactor hook goes in once the watchdog runs. */
	static final int REACTOR_PHASE = WATCHDOG_PHASE + 1;

	/** After {@code ReactorResourceFactory} (phase 0) has made its loop resources. */
	static final int EVENT_LOOP_PHASE = 1;

	private final Runnable start;

	private final Runnable stop;

	private final int phase;

	private volatile boolean running;

	WatchdogLifecycle(Runnable start, Runnable stop, int phase) {
		this.start = start;
		this.stop = stop;
		this.phase = phase;
	}

	@Override
	public void start() {
		this.start.run();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.stop.run();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
