package dev.contextstarter.requestid.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.scheduling.SchedulingAwareRunnable;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;

/**
 * Opens a fresh request context, with a new ID, for every run of a scheduled task.
 * <p>
 * A scheduler that describes each run before it starts (the clock-jump-aware one) learns
 * the run's ID from {@link #requestIdOfNextRun(Runnable)}, which makes the ID the run
 * then opens its context with.
 * <p>
 * While a run lasts its task's name (for {@code @Scheduled} methods, the qualified method
 * name) is in the MDC under the configured key; it is not a context field, so it is not
 * sent to other services.
 */
public final class ScheduledRunContexts {

	private final RequestIdPolicy policy;

	private final @Nullable String taskMdcKey;

	/**
	 * Create the run contexts.
	 * @param policy makes the new IDs, with the configured generator
	 * @param taskMdcKey the MDC key of the task's name, or {@code null} for none
	 */
	public ScheduledRunContexts(RequestIdPolicy policy, @Nullable String taskMdcKey) {
		this.policy = policy;
		this.taskMdcKey = taskMdcKey;
	}

	/**
	 * Return a scheduler that runs every task given to it in a fresh context per run.
	 * @param scheduler the scheduler that runs the tasks
	 * @return the wrapping scheduler
	 */
	TaskScheduler wrap(TaskScheduler scheduler) {
		return new FreshContextTaskScheduler(scheduler);
	}

	/**
	 * Return a task that runs in a fresh context each time it runs.
	 * @param task the task
	 * @return the wrapped task
	 */
	Runnable wrap(Runnable task) {
		return new FreshContextRunnable(task);
	}

	/**
	 * Return the request ID the run of {@code task} about to start on this thread will
	 * run under: for a task wrapped here, a new ID, which that run's fresh context then
	 * uses; for any other task, the ID of the current context, which is the one it runs
	 * under.
	 * @param task the task as handed to the scheduler
	 * @return the ID, or {@code null} when the run has none
	 */
	public @Nullable String requestIdOfNextRun(Runnable task) {
		if (task instanceof FreshContextRunnable fresh && fresh.owner() == this) {
			return fresh.reserveId();
		}
		return RequestIdContextHolder.currentRequestId();
	}

	private void run(Runnable task, String name, @Nullable String reservedId) {
		RequestIdContext context = RequestIdContext.of((reservedId != null) ? reservedId : this.policy.newId());
		String key = this.taskMdcKey;
		String previousName = (key != null) ? MDC.get(key) : null;
		if (key != null) {
			MDC.put(key, name);
		}
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(context)) {
			task.run();
		}
		finally {
			if (key != null) {
				if (previousName != null) {
					MDC.put(key, previousName);
				}
				else {
					MDC.remove(key);
				}
			}
		}
	}

	/**
	 * A task run in a fresh context; it keeps the task's name and its scheduler
	 * qualifier, which schedulers read from it.
	 */
	private final class FreshContextRunnable implements SchedulingAwareRunnable {

		private final Runnable task;

		private final String name;

		/**
		 * The ID made for the next run by {@link #requestIdOfNextRun}; runs of one task
		 * do not overlap, and each run takes it.
		 */
		private volatile @Nullable String reservedId;

		FreshContextRunnable(Runnable task) {
			this.task = task;
			this.name = task.toString();
		}

		ScheduledRunContexts owner() {
			return ScheduledRunContexts.this;
		}

		String reserveId() {
			String id = ScheduledRunContexts.this.policy.newId();
			this.reservedId = id;
			return id;
		}

		@Override
		public void run() {
			String reserved = this.reservedId;
			this.reservedId = null;
			ScheduledRunContexts.this.run(this.task, this.name, reserved);
		}

		@Override
		public boolean isLongLived() {
			return (this.task instanceof SchedulingAwareRunnable aware) && aware.isLongLived();
		}

		@Override
		public @Nullable String getQualifier() {
			return (this.task instanceof SchedulingAwareRunnable aware) ? aware.getQualifier() : null;
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * Hands every task to the wrapped scheduler as a {@link FreshContextRunnable}.
	 */
	private final class FreshContextTaskScheduler implements TaskScheduler {

		private final TaskScheduler scheduler;

		FreshContextTaskScheduler(TaskScheduler scheduler) {
			this.scheduler = scheduler;
		}

		@Override
		public Clock getClock() {
			return this.scheduler.getClock();
		}

		@Override
		public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
			return this.scheduler.schedule(wrap(task), trigger);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
			return this.scheduler.schedule(wrap(task), startTime);
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
			return this.scheduler.scheduleAtFixedRate(wrap(task), startTime, period);
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
			return this.scheduler.scheduleAtFixedRate(wrap(task), period);
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
			return this.scheduler.scheduleWithFixedDelay(wrap(task), startTime, delay);
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
			return this.scheduler.scheduleWithFixedDelay(wrap(task), delay);
		}

		@Override
		public String toString() {
			return this.scheduler.toString();
		}

	}

}
