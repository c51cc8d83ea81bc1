package dev.contextstarter.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;
import org.springframework.util.ErrorHandler;
import org.springframework.scheduling.support.TaskUtils;

/**
 * A {@link TaskScheduler} whose wall-clock tasks keep to the wall clock when it jumps.
 * <p>
 * <b>Wall tasks</b> ({@link #schedule(Runnable, Trigger) triggers} such as cron, and
 * {@link #schedule(Runnable, Instant) instants}) are identified by their nominal instants. A
 * task never sleeps longer than one check interval: on every wake it re-reads the wall clock,
 * so after a jump it is re-armed within one interval and never runs before its nominal time.
 * It keeps a high-water mark (the latest occurrence run or skipped). A run that starts late by
 * at most the grace period is a normal run; beyond that the {@link MisfirePolicy} applies. After
 * the wall clock goes back by J the {@link BackwardPolicy} applies. Runs of one task never
 * overlap: the next wake is armed only after a run ends.
 * <p>
 * <b>Elapsed tasks</b> (fixed rate, fixed delay) follow the monotonic clock and ignore wall
 * jumps; they are handed to the elapsed-time scheduler as they are.
 * <p>
 * A running task can read {@link ScheduledRun#current()}.
 */
public class ClockJumpAwareTaskScheduler implements TaskScheduler, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClockJumpAwareTaskScheduler.class);

	/** Upper bound on occurrences counted after a long jump (an every-second cron over years). */
	static final int MAX_COUNTED_OCCURRENCES = 100_000;

	private final TaskScheduler elapsedScheduler;

	private final ScheduledExecutorService timer;

	private final TimeSource timeSource;

	private final Clock clock;

	private final Duration checkInterval;

	private final Duration jumpThreshold;

	private final Set<WallTask> wallTasks = ConcurrentHashMap.newKeySet();

	private Function<String, WallTaskPolicy> policies = (name) -> WallTaskPolicy.DEFAULT;

	private List<ScheduledRunListener> listeners = List.of();

	private ErrorHandler errorHandler = TaskUtils.LOG_AND_SUPPRESS_ERROR_HANDLER;

	private @Nullable Runnable shutdownAction;

	private volatile boolean destroyed;

	/**
	 * Create a scheduler.
	 * @param elapsedScheduler runs fixed-rate and fixed-delay tasks
	 * @param timer wakes wall tasks (with monotonic delays) and runs them
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward jump
	 */
	public ClockJumpAwareTaskScheduler(TaskScheduler elapsedScheduler, ScheduledExecutorService timer,
			TimeSource timeSource, Duration checkInterval, Duration jumpThreshold) {
		Assert.isTrue((checkInterval.compareTo(Duration.ZERO) > 0), "checkInterval must be positive");
		Assert.isTrue((jumpThreshold.compareTo(Duration.ZERO) > 0), "jumpThreshold must be positive");
		this.elapsedScheduler = elapsedScheduler;
		this.timer = timer;
		this.timeSource = timeSource;
		this.clock = timeSource.asClock();
		this.checkInterval = checkInterval;
		this.jumpThreshold = jumpThreshold;
	}

	/**
	 * Decorate a {@link ThreadPoolTaskScheduler} (initialising it if needed): its pool runs
	 * every task, and it is shut down with this scheduler.
	 * @param delegate the thread pool scheduler, for example the one Boot's builder made
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward jump
	 * @return the decorator
	 */
	public static ClockJumpAwareTaskScheduler decorate(ThreadPoolTaskScheduler delegate, TimeSource timeSource,
			Duration checkInterval, Duration jumpThreshold) {
		ScheduledExecutorService timer;
		try {
			timer = delegate.getScheduledExecutor();
		}
		catch (IllegalStateException notInitialized) {
			delegate.initialize();
			timer = delegate.getScheduledExecutor();
		}
		ClockJumpAwareTaskScheduler scheduler = new ClockJumpAwareTaskScheduler(delegate, timer, timeSource,
				checkInterval, jumpThreshold);
		scheduler.setShutdownAction(delegate::destroy);
		return scheduler;
	}

	/**
	 * Set the policy of every wall task.
	 * @param policy the policy
	 */
	public void setDefaultPolicy(WallTaskPolicy policy) {
		this.policies = (name) -> policy;
	}

	/**
	 * Set how a wall task's policy is found from its name (for {@code @Scheduled} methods,
	 * the qualified method name).
	 * @param policies the policy per task name
	 */
	public void setPolicyResolver(Function<String, WallTaskPolicy> policies) {
		this.policies = policies;
	}

	/**
	 * Set the listeners told about runs and misfires.
	 * @param listeners the listeners
	 */
	public void setListeners(List<? extends ScheduledRunListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Set what handles an exception thrown by a repeating wall task (default: log and carry
	 * on, like Spring's own schedulers).
	 * @param errorHandler the error handler
	 */
	public void setErrorHandler(ErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	/**
	 * Set what runs after the wall tasks are cancelled on {@link #destroy()}.
	 * @param shutdownAction for example shutting down the delegate's pool
	 */
	public void setShutdownAction(@Nullable Runnable shutdownAction) {
		this.shutdownAction = shutdownAction;
	}

	@Override
	public Clock getClock() {
		return this.clock;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
		return schedule(task, trigger, this.policies.apply(task.toString()));
	}

	/**
	 * Schedule a wall task with its own policy.
	 * @param task the task
	 * @param trigger when it runs, in wall-clock time
	 * @param policy how it reacts to clock jumps
	 * @return a future to cancel it, or {@code null} if the trigger has no occurrence
	 */
	public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger, WallTaskPolicy policy) {
		Instant first = trigger.nextExecution(new Context(this.clock, null, null, null));
		if (first == null) {
			return null;
		}
		return start(new WallTask(task, trigger, policy, first));
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		return start(new WallTask(task, null, this.policies.apply(task.toString()), startTime));
	}

	private ScheduledFuture<?> start(WallTask task) {
		if (this.destroyed) {
			throw new RejectedExecutionException("Scheduler is shut down: " + task.name);
		}
		this.wallTasks.add(task);
		synchronized (task) {
			ClockReading reading = ClockReading.of(this.timeSource);
			task.arm(reading.wall(), reading.mono(), reading.uncertaintyNanos());
		}
		return task;
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
		return this.elapsedScheduler.scheduleAtFixedRate(elapsed(task), elapsedStart(startTime), period);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
		return this.elapsedScheduler.scheduleAtFixedRate(elapsed(task), period);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
		return this.elapsedScheduler.scheduleWithFixedDelay(elapsed(task), elapsedStart(startTime), delay);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		return this.elapsedScheduler.scheduleWithFixedDelay(elapsed(task), delay);
	}

	/** The start time is turned into a delay once: after that the task is elapsed-time only. */
	private Instant elapsedStart(Instant startTime) {
		Duration delay = Duration.between(this.timeSource.wallTime(), startTime);
		return this.elapsedScheduler.getClock().instant().plus(delay.isNegative() ? Duration.ZERO : delay);
	}

	private Runnable elapsed(Runnable task) {
		return new ElapsedTask(task);
	}

	/**
	 * Return a snapshot of every wall task that has not finished.
	 * @return the wall tasks, by name
	 */
	public List<WallTaskInfo> wallTasks() {
		return this.wallTasks.stream()
			.map(WallTask::info)
			.sorted(Comparator.comparing(WallTaskInfo::task))
			.toList();
	}

	@Override
	public void destroy() {
		this.destroyed = true;
		for (WallTask task : List.copyOf(this.wallTasks)) {
			task.cancel(false);
		}
		Runnable action = this.shutdownAction;
		if (action != null) {
			action.run();
		}
	}

	private void notifyRun(ScheduledRun run) {
		for (ScheduledRunListener listener : this.listeners) {
			try {
				listener.onRun(run);
			}
			catch (RuntimeException ex) {
				logger.warn("ScheduledRunListener failed", ex);
			}
		}
	}

	private void notifyMisfire(String task, MisfirePolicy policy, long missed) {
		for (ScheduledRunListener listener : this.listeners) {
			try {
				listener.onMisfire(task, policy, missed);
			}
			catch (RuntimeException ex) {
				logger.warn("ScheduledRunListener failed", ex);
			}
		}
	}

	private static Instant later(@Nullable Instant a, Instant b) {
		return (a == null || b.isAfter(a)) ? b : a;
	}

	private static String seconds(Duration duration) {
		return ClockEvent.seconds(duration);
	}

	/**
	 * One wall task: its occurrences, high-water mark and the pending wake.
	 */
	private final class WallTask implements ScheduledFuture<Object> {

		private final Runnable runnable;

		private final String name;

		private final @Nullable Trigger trigger;

		private final WallTaskPolicy policy;

		private final CompletableFuture<Object> completion = new CompletableFuture<>();

		/** The occurrence waited for; {@code null} once finished. */
		private @Nullable Instant next;

		private @Nullable Instant highWater;

		private @Nullable ScheduledRun lastRun;

		/** Wall and monotonic readings at the last look at the clock, to measure jumps since. */
		private Instant anchorWall = Instant.EPOCH;

		private long anchorMono;

		private long anchorUncertainty;

		private @Nullable ScheduledFuture<?> wake;

		private boolean cancelled;

		WallTask(Runnable runnable, @Nullable Trigger trigger, WallTaskPolicy policy, Instant first) {
			this.runnable = runnable;
			this.name = runnable.toString();
			this.trigger = trigger;
			this.policy = policy;
			this.next = first;
		}

		/** Sleep until the next occurrence, but never longer than one check interval. */
		void arm(Instant anchorWall, long anchorMono, long anchorUncertainty) {
			this.anchorWall = anchorWall;
			this.anchorMono = anchorMono;
			this.anchorUncertainty = anchorUncertainty;
			Instant next = this.next;
			if (this.cancelled || next == null) {
				return;
			}
			Duration delay = Duration.between(ClockJumpAwareTaskScheduler.this.timeSource.wallTime(), next);
			if (delay.isNegative()) {
				delay = Duration.ZERO;
			}
			else if (delay.compareTo(ClockJumpAwareTaskScheduler.this.checkInterval) > 0) {
				delay = ClockJumpAwareTaskScheduler.this.checkInterval;
			}
			try {
				this.wake = ClockJumpAwareTaskScheduler.this.timer.schedule(this::wake, delay.toNanos(),
						TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the pool is shutting down: the task ends here
				this.cancelled = true;
				this.completion.cancel(false);
				ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
			}
		}

		private void wake() {
			TimeSource time = ClockJumpAwareTaskScheduler.this.timeSource;
			ScheduledRun run;
			long skipped = 0;
			Instant firstDue;
			synchronized (this) {
				this.wake = null;
				Instant next = this.next;
				if (this.cancelled || next == null) {
					return;
				}
				ClockReading reading = ClockReading.of(time);
				Instant now = reading.wall();
				long mono = reading.mono();
				Duration back = Duration.between(now, this.anchorWall.plusNanos(mono - this.anchorMono));
				// a thread preempted between its two clock reads must not look like a backward jump
				Duration threshold = ClockJumpAwareTaskScheduler.this.jumpThreshold
					.plusNanos(this.anchorUncertainty + reading.uncertaintyNanos());
				if (back.compareTo(threshold) > 0) {
					next = onBackwardJump(back, now, next);
				}
				if (now.isBefore(next)) {
					arm(now, mono, reading.uncertaintyNanos());
					return;
				}
				firstDue = next;
				// due: count the occurrences up to now, run at most once for all of them
				Instant latest = next;
				long due = 1;
				Instant after = null;
				if (this.trigger != null) {
					after = nextAfter(latest);
					while (after != null && !after.isAfter(now) && due < MAX_COUNTED_OCCURRENCES) {
						latest = after;
						due++;
						after = nextAfter(after);
					}
					if (after != null && !after.isAfter(now)) {
						after = nextAfter(now);
					}
				}
				Duration lateness = Duration.between(next, now);
				RunReason reason;
				if (lateness.compareTo(this.policy.grace()) > 0) {
					if (this.trigger != null && this.policy.misfirePolicy() == MisfirePolicy.SKIP) {
						this.highWater = later(this.highWater, latest);
						this.next = after;
						skipped = due;
						logger.warn("Scheduled task {} skipped {} occurrence(s) from {} to {}, {} late (misfire policy skip)",
								this.name, due, next, latest, seconds(lateness));
						arm(now, mono, reading.uncertaintyNanos());
						if (after == null) {
							finish();
						}
						run = null;
					}
					else {
						reason = RunReason.MISFIRE;
						skipped = -due;
						run = new ScheduledRun(this.name, latest, now, due - 1, reason);
					}
				}
				else {
					reason = (lateness.compareTo(ClockJumpAwareTaskScheduler.this.checkInterval) <= 0)
							? RunReason.ON_TIME : RunReason.LATE;
					run = new ScheduledRun(this.name, latest, now, due - 1, reason);
				}
				if (run != null && this.highWater != null && !latest.isAfter(this.highWater)) {
					run = new ScheduledRun(this.name, latest, now, due - 1, RunReason.RERUN);
				}
				if (run != null) {
					// anchor before the run, so a jump during the run is measured at the next wake
					this.anchorWall = now;
					this.anchorMono = mono;
					this.anchorUncertainty = reading.uncertaintyNanos();
				}
			}
			if (skipped > 0) {
				notifyMisfire(this.name, MisfirePolicy.SKIP, skipped);
			}
			if (run == null) {
				return;
			}
			if (skipped < 0) {
				notifyMisfire(this.name, MisfirePolicy.FIRE_ONCE, -skipped);
				logger.warn("Scheduled task {} runs once for {} occurrence(s) from {} to {} (misfire policy fire-once)",
						this.name, -skipped, firstDue, run.nominalTime());
			}
			notifyRun(run);
			Throwable failure = null;
			try {
				run.runWith(this.runnable);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			Instant completed = time.wallTime();
			synchronized (this) {
				this.lastRun = run;
				this.highWater = later(this.highWater, run.nominalTime());
				if (this.trigger == null) {
					this.next = null;
					ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
					if (failure != null) {
						this.completion.completeExceptionally(failure);
					}
					else {
						this.completion.complete(null);
					}
					return;
				}
				if (failure != null) {
					ClockJumpAwareTaskScheduler.this.errorHandler.handleError(failure);
				}
				this.next = this.trigger.nextExecution(new Context(ClockJumpAwareTaskScheduler.this.clock,
						run.nominalTime(), run.actualTime(), completed));
				if (this.next == null) {
					finish();
					return;
				}
				arm(this.anchorWall, this.anchorMono, this.anchorUncertainty);
			}
		}

		private Instant onBackwardJump(Duration jump, Instant now, Instant next) {
			if (this.trigger == null) {
				// an instant task simply waits until the wall clock reaches its instant again
				return next;
			}
			BackwardPolicy policy = this.policy.backwardPolicy();
			if (policy == BackwardPolicy.AUTO) {
				Instant following = nextAfter(next);
				boolean shorterThanPeriod = following == null
						|| jump.compareTo(Duration.between(next, following)) < 0;
				policy = shorterThanPeriod ? BackwardPolicy.HOLD : BackwardPolicy.RERUN;
			}
			if (policy == BackwardPolicy.HOLD) {
				logger.info("Wall clock went back by {}: scheduled task {} holds until {}", seconds(jump), this.name,
						next);
				return next;
			}
			Instant resume = nextAfter(now);
			if (resume == null) {
				return next;
			}
			logger.info("Wall clock went back by {}: scheduled task {} resumes at {}", seconds(jump), this.name,
					resume);
			this.next = resume;
			return resume;
		}

		private @Nullable Instant nextAfter(Instant instant) {
			Trigger trigger = this.trigger;
			return (trigger != null)
					? trigger.nextExecution(new Context(ClockJumpAwareTaskScheduler.this.clock, instant, instant, instant))
					: null;
		}

		private void finish() {
			this.next = null;
			ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
			this.completion.complete(null);
		}

		synchronized WallTaskInfo info() {
			String description = (this.trigger != null) ? this.trigger.toString() : "at " + this.next;
			return new WallTaskInfo(this.name, description, this.next, this.highWater, this.lastRun, this.policy);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			synchronized (this) {
				if (this.completion.isDone()) {
					return false;
				}
				this.cancelled = true;
				ScheduledFuture<?> wake = this.wake;
				if (wake != null) {
					wake.cancel(false);
					this.wake = null;
				}
			}
			ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
			return this.completion.cancel(false);
		}

		@Override
		public synchronized boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.completion.isDone();
		}

		@Override
		public Object get() throws InterruptedException, ExecutionException {
			return this.completion.get();
		}

		@Override
		public Object get(long timeout, TimeUnit unit)
				throws InterruptedException, ExecutionException, TimeoutException {
			return this.completion.get(timeout, unit);
		}

		@Override
		public long getDelay(TimeUnit unit) {
			Instant next;
			synchronized (this) {
				next = this.next;
			}
			if (next == null) {
				return 0;
			}
			Duration delay = Duration.between(ClockJumpAwareTaskScheduler.this.timeSource.wallTime(), next);
			return unit.convert(delay);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public String toString() {
			return "WallTask[" + this.name + "]";
		}

	}

	/**
	 * Sets {@link ScheduledRun#current()} around a fixed-rate or fixed-delay task.
	 */
	private final class ElapsedTask implements Runnable {

		private final Runnable task;

		private final String name;

		ElapsedTask(Runnable task) {
			this.task = task;
			this.name = task.toString();
		}

		@Override
		public void run() {
			Instant now = ClockJumpAwareTaskScheduler.this.timeSource.wallTime();
			ScheduledRun run = new ScheduledRun(this.name, now, now, 0, RunReason.ELAPSED);
			notifyRun(run);
			run.runWith(this.task);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * A {@link TriggerContext} on the scheduler's wall clock.
	 */
	private record Context(Clock clock, @Nullable Instant lastScheduledExecution,
			@Nullable Instant lastActualExecution, @Nullable Instant lastCompletion) implements TriggerContext {

		@Override
		public Clock getClock() {
			return this.clock;
		}

	}

}
