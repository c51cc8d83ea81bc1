package dev.contextstarter.benchmarks;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Queues tasks and runs them when the benchmark thread drains it, each after the previous
 * one has returned, like an event loop hopping to itself. A task therefore finds the
 * thread as a worker would: without the context of the task that scheduled it, which
 * propagation must set and then clear again. Unlike a hop to another core, there is no
 * hand-off whose cost varies between forks by more than propagation costs. Used by one
 * thread only.
 */
final class DrainedExecutor implements Executor {

	private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

	@Override
	public void execute(Runnable task) {
		this.tasks.add(task);
	}

	void drain() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			task.run();
		}
	}

}
