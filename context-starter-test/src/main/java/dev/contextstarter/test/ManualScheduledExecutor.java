package dev.contextstarter.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledExecutorService} that runs nothing by itself: tasks run on the
 * calling thread when a test lets time pass with {@link #advance(Duration)} or asks for
 * due tasks with {@link #runDueTasks()}. Delays are measured on the
 * {@link ManualTimeSource}'s monotonic clock, as a real scheduled executor measures them
 * on {@link System#nanoTime()}.
 * <p>
 * {@link #advance(Duration)} moves time from one due task to the next, so each task sees
 * the time it was due at. Periodic tasks behave like
 * {@code ScheduledThreadPoolExecutor}'s (fixed rate catches up after a stall, runs never
 * overlap).
 */
public class ManualScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {

	/** Guards against a task that keeps rescheduling itself with no delay. */
	private static final int MAX_RUNS_PER_CALL = 1_000_000;

	private final ManualTimeSource time;

	private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();

	private long sequence;

	private boolean shutdown;

	private boolean running;

	/**
	 * Create an executor on the given time source.
	 * @param time the time source whose monotonic clock measures delays
	 */
	public ManualScheduledExecutor(ManualTimeSource time) {
		this.time = time;
	}

	/**
	 * Return the time source.
	 * @return the time source
	 */
	public ManualTimeSource timeSource() {
		return this.time;
	}

	/**
	 * Let {@code duration} pass, running every task when it falls due (time is moved to
	 * each task's due time before it runs).
	 * @param duration how long
	 * @return how many tasks ran
	 */
	public int advance(Duration duration) {
		long target = this.time.monotonicNanos() + duration.toNanos();
		int runs = 0;
		while (true) {
			Task<?> task = nextDue(target);
			if (task == null) {
				break;
			}
			long now = this.time.monotonicNanos();
			if (task.due > now) {
				this.time.advance(Duration.ofNanos(task.due - now));
			}
			runOne(task);
			if (++runs > MAX_RUNS_PER_CALL) {
				throw new IllegalStateException("More than " + MAX_RUNS_PER_CALL + " task runs in one call");
			}
		}
		long now = this.time.monotonicNanos();
		if (target > now) {
			this.time.advance(Duration.ofNanos(target - now));
		}
		return runs;
	}

	/**
	 * Run the tasks due now (for example after a
	 * {@link ManualTimeSource#jump(Duration)}), without letting time pass.
	 * @return how many tasks ran
	 */
	public int runDueTasks() {
		return advance(Duration.ZERO);
	}

	/**
	 * Return how many tasks are waiting.
	 * @return the number of queued tasks
	 */
	public synchronized int queuedTasks() {
		return this.queue.size();
	}

	private synchronized @Nullable Task<?> nextDue(long target) {
		Task<?> head = this.queue.peek();
		while (head != null && head.isCancelled()) {
			this.queue.poll();
			head = this.queue.peek();
		}
		if (head == null || head.due > target) {
			return null;
		}
		return this.queue.poll();
	}

	private void runOne(Task<?> task) {
		synchronized (this) {
			if (this.running) {
				throw new IllegalStateException("ManualScheduledExecutor is not reentrant");
			}
			this.running = true;
		}
		try {
			task.run();
		}
		finally {
			synchronized (this) {
				this.running = false;
			}
		}
	}

	private synchronized <V> Task<V> enqueue(Task<V> task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("ManualScheduledExecutor is shut down");
		}
		this.queue.add(task);
		return task;
	}

	private synchronized void requeue(Task<?> task) {
		if (!this.shutdown) {
			this.queue.add(task);
		}
	}

	private synchronized long nextSequence() {
		return this.sequence++;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		return enqueue(new Task<>(new FutureTask<>(command, null), dueIn(delay, unit), 0, command));
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		return enqueue(new Task<>(new FutureTask<>(callable), dueIn(delay, unit), 0, callable));
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		if (period <= 0) {
			throw new IllegalArgumentException("period must be positive");
		}
		return enqueue(new Task<>(command, dueIn(initialDelay, unit), unit.toNanos(period)));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		if (delay <= 0) {
			throw new IllegalArgumentException("delay must be positive");
		}
		return enqueue(new Task<>(command, dueIn(initialDelay, unit), -unit.toNanos(delay)));
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	private long dueIn(long delay, TimeUnit unit) {
		return this.time.monotonicNanos() + Math.max(0, unit.toNanos(delay));
	}

	@Override
	public synchronized void shutdown() {
		this.shutdown = true;
	}

	@Override
	public synchronized List<Runnable> shutdownNow() {
		this.shutdown = true;
		List<Runnable> pending = new ArrayList<>(this.queue);
		this.queue.clear();
		return pending;
	}

	@Override
	public synchronized boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public synchronized boolean isTerminated() {
		return this.shutdown && !this.running;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	/**
	 * A queued task: one-shot ({@code period == 0}), fixed rate ({@code > 0}) or fixed
	 * delay ({@code < 0}).
	 */
	private final class Task<V> implements RunnableScheduledFuture<V> {

		private final FutureTask<V> future;

		private final @Nullable Runnable periodic;

		private final long period;

		private final long order = nextSequence();

		private final Object description;

		private volatile long due;

		private volatile boolean cancelled;

		Task(FutureTask<V> future, long due, long period, Object description) {
			this.future = future;
			this.periodic = null;
			this.due = due;
			this.period = period;
			this.description = description;
		}

		Task(Runnable periodic, long due, long period) {
			this.future = new FutureTask<>(periodic, null);
			this.periodic = periodic;
			this.due = due;
			this.period = period;
			this.description = periodic;
		}

		@Override
		public void run() {
			if (this.cancelled) {
				return;
			}
			if (this.periodic == null) {
				this.future.run();
				return;
			}
			try {
				this.periodic.run();
			}
			catch (RuntimeException | Error ex) {
				// like ScheduledThreadPoolExecutor: a failing periodic task stops
				this.future.cancel(false);
				throw ex;
			}
			if (!this.cancelled) {
				this.due = (this.period > 0) ? this.due + this.period
						: ManualScheduledExecutor.this.time.monotonicNanos() - this.period;
				requeue(this);
			}
		}

		@Override
		public boolean isPeriodic() {
			return this.period != 0;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - ManualScheduledExecutor.this.time.monotonicNanos(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			if (other instanceof Task<?> task) {
				int byDue = Long.compare(this.due, task.due);
				return (byDue != 0) ? byDue : Long.compare(this.order, task.order);
			}
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.cancelled = true;
			return this.future.cancel(false);
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.future.isDone();
		}

		@Override
		public V get() throws InterruptedException, ExecutionException {
			return this.future.get();
		}

		@Override
		public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
			return this.future.get(timeout, unit);
		}

		@Override
		public String toString() {
			return "ManualTask[" + this.description + "]";
		}

	}

}
