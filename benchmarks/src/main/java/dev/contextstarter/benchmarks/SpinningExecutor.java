package dev.contextstarter.benchmarks;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * An executor with one thread that spins on its queue instead of parking. A hop to it
 * costs a cache-line transfer rather than an OS wake-up of several microseconds, so the
 * few hundred nanoseconds that propagation adds per hop are not lost in wake-up noise.
 * After a short spin it yields, so that on a machine with more runnable threads than
 * cores the thread it waits for gets to run.
 */
final class SpinningExecutor implements Executor, AutoCloseable {

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	private volatile boolean running = true;

	SpinningExecutor(String name) {
		this.thread = new Thread(this::spin, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
	}

	/** Spins before yielding: a hop on an idle core arrives well within this. */
	static final int SPINS_BEFORE_YIELD = 1_000;

	private void spin() {
		int idle = 0;
		while (this.running) {
			Runnable task = this.tasks.poll();
			if (task == null) {
				idle = pause(idle);
				continue;
			}
			idle = 0;
			try {
				task.run();
			}
			catch (Throwable ex) {
				// Keep the worker alive; the subscriber sees the error through Reactor.
			}
		}
	}

	static int pause(int idle) {
		if (idle < SPINS_BEFORE_YIELD) {
			Thread.onSpinWait();
		}
		else {
			Thread.yield();
		}
		return idle + 1;
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.thread.join();
	}

}
