package dev.contextstarter.requestid.task;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Opens a fresh request context, with a new ID, for every run of a scheduled task, and
 * remembers the ID of each task's latest finished run (the {@code clock} endpoint shows
 * it).
 * <p>
 * While a run lasts its task's name (for {@code @Scheduled} methods, the qualified method
 * name) is in the MDC under the configured key; it is not a context field, so it is not
 * sent to other services.
 */
public final class ScheduledRunContexts {

	private final RequestIdPolicy policy;

	private final @Nullable String taskMdcKey;

	private final Map<String, String> lastRequestIds = new ConcurrentHashMap<>();

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
	 * Return the request ID of a task's latest finished run.
	 * @param task the task's name
	 * @return the ID, or {@code null} when the task has not run yet
	 */
	public @Nullable String lastRequestId(String task) {
		return this.lastRequestIds.get(task);
	}

	/**
	 * Return the request ID of every task's latest finished run.
	 * @return the IDs, by task name
	 */
	Map<String, String> lastRequestIds() {
		return Map.copyOf(this.lastRequestIds);
	}

	private void run(Runnable task, String name) {
		RequestIdContext context = RequestIdContext.of(this.policy.newId());
		String key = this.taskMdcKey;
		String previousName = (key != null) ? MDC.get(key) : null;
		if (key != null) {
			MDC.put(key, name);
		}
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(context)) {
			task.run();
		}
		finally {
			// recorded when the run ends, as the scheduler records its last run
			this.lastRequestIds.put(name, context.requestId());
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

		FreshContextRunnable(Runnable task) {
			this.task = task;
			this.name = task.toString();
		}

		@Override
		public void run() {
			ScheduledRunContexts.this.run(this.task, this.name);
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
