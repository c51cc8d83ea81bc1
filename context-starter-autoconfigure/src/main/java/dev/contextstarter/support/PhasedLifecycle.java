package dev.contextstarter.support;

import org.springframework.context.SmartLifecycle;

/**
 * Starts a part of a feature (a thread, a probe, a hook that times tasks) with the
 * application context, in a phase, and stops it when the context closes: the one way the
 * starter's auto-configurations start and stop things, so that the parts themselves know
 * nothing of Spring's lifecycle. For the starter's own use.
 */
public final class PhasedLifecycle implements SmartLifecycle {

	private final Runnable start;

	private final Runnable stop;

	private final int phase;

	private volatile boolean running;

	/**
	 * Create a lifecycle.
	 * @param start starts the part
	 * @param stop stops it
	 * @param phase the {@link SmartLifecycle#getPhase() phase} to start and stop it in
	 */
	public PhasedLifecycle(Runnable start, Runnable stop, int phase) {
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
