package dev.contextstarter.clock;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.SimpleTriggerContext;
import org.springframework.scheduling.support.TaskUtils;
import org.springframework.util.Assert;
import org.springframework.util.ErrorHandler;

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
 * Where no jump or stall happens it keeps {@link ThreadPoolTaskScheduler}'s contract: the same
 * futures, one {@link ErrorHandler} for every kind of task with Spring's defaults (log and
 * propagate for one-time tasks, log and suppress for repeating ones), and a {@link Trigger}
 * asked exactly what Spring asks it: once when scheduled and once after each run. Only
 * Spring's own triggers ({@code CronTrigger}, {@code PeriodicTrigger}), whose answers depend on
 * nothing but the context, are asked ahead, to count missed occurrences and to find where to
 * resume after the wall clock went back.
 * <p>
 * A running task can read {@link ScheduledRun#current()}.
 */
public class ClockJumpAwareTaskScheduler implements TaskScheduler, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClockJumpAwareTaskScheduler.class);

	/** Upper bound on occurrences counted or skipped in one wake (an every-second cron over years). */
	static final int MAX_COUNTED_OCCURRENCES = 100_000;

	/** Triggers of this package answer from their context alone, so they may be asked ahead. */
	private static final String SPRING_TRIGGERS_PACKAGE = "org.springframework.scheduling.support.";

	private final TaskScheduler elapsedScheduler;

	private final ScheduledExecutorService timer;

	private final TimeSource timeSource;

	private final Clock clock;

	private final Duration checkInterval;

	private final Duration jumpThreshold;

	private final Set<WallTask> wallTasks = ConcurrentHashMap.newKeySet();

	private Function<String, WallTaskPolicy> policies = (name) -> WallTaskPolicy.DEFAULT;

	private List<ScheduledRunListener> listeners = List.of();

	/** {@code null}: Spring's defaults, chosen per task kind. */
	private volatile @Nullable ErrorHandler errorHandler;

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
		// the zone a cron trigger without one runs in: the system's, as in ThreadPoolTaskScheduler
		this.clock = timeSource.asClock().withZone(ZoneId.systemDefault());
		this.checkInterval = checkInterval;
		this.jumpThreshold = jumpThreshold;
	}

	/**
	 * Decorate a {@link ThreadPoolTaskScheduler} (initialising it if needed): its pool runs
	 * every task, and it is shut down with this scheduler. An {@link ErrorHandler} set on it
	 * before cannot be read back: set it with {@link #setErrorHandler(ErrorHandler)} instead,
	 * or use {@link #decorate(Consumer, TimeSource, Duration, Duration)}.
	 * @param delegate the thread pool scheduler
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
		if (delegate instanceof ErrorHandlerRecordingScheduler recording) {
			scheduler.errorHandler = recording.errorHandler;
		}
		scheduler.setShutdownAction(delegate::destroy);
		return scheduler;
	}

	/**
	 * Create a {@link ThreadPoolTaskScheduler}, let {@code configurer} set it up, and decorate
	 * it. An {@link ErrorHandler} the configurer sets (for example a Boot
	 * {@code ThreadPoolTaskSchedulerCustomizer}) becomes this scheduler's, for every task.
	 * @param configurer sets up the delegate, for example Boot's
	 * {@code ThreadPoolTaskSchedulerBuilder::configure}
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward jump
	 * @return the decorator
	 */
	public static ClockJumpAwareTaskScheduler decorate(Consumer<? super ThreadPoolTaskScheduler> configurer,
			TimeSource timeSource, Duration checkInterval, Duration jumpThreshold) {
		ThreadPoolTaskScheduler delegate = new ErrorHandlerRecordingScheduler();
		configurer.accept(delegate);
		return decorate(delegate, timeSource, checkInterval, jumpThreshold);
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
	 * Set what handles an exception thrown by any task scheduled from now on, wall or elapsed
	 * (as {@link ThreadPoolTaskScheduler#setErrorHandler(ErrorHandler)}; it is also set on the
	 * elapsed-time scheduler when that is a {@link ThreadPoolTaskScheduler} or a
	 * {@link ConcurrentTaskScheduler}). Without one, Spring's defaults apply: log and
	 * propagate for one-time tasks, log and suppress for repeating ones.
	 * @param errorHandler the error handler
	 */
	public void setErrorHandler(ErrorHandler errorHandler) {
		Assert.notNull(errorHandler, "errorHandler must not be null");
		this.errorHandler = errorHandler;
		if (this.elapsedScheduler instanceof ThreadPoolTaskScheduler pool) {
			pool.setErrorHandler(errorHandler);
		}
		else if (this.elapsedScheduler instanceof ConcurrentTaskScheduler concurrent) {
			concurrent.setErrorHandler(errorHandler);
		}
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
	public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
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
		WallTask wallTask = new WallTask(task, trigger, policy, errorHandlerFor(true));
		Instant first = wallTask.firstOccurrence();
		if (first == null) {
			return null;
		}
		return start(wallTask, first);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		return start(new WallTask(task, null, this.policies.apply(task.toString()), errorHandlerFor(false)),
				startTime);
	}

	private ErrorHandler errorHandlerFor(boolean repeating) {
		ErrorHandler handler = this.errorHandler;
		return (handler != null) ? handler : TaskUtils.getDefaultErrorHandler(repeating);
	}

	private ScheduledFuture<?> start(WallTask task, Instant first) {
		if (this.destroyed) {
			throw new TaskRejectedException("Scheduler is shut down: did not accept task " + task.name);
		}
		this.wallTasks.add(task);
		try {
			synchronized (task) {
				task.next = first;
				ClockReading reading = ClockReading.of(this.timeSource);
				task.arm(reading.wall(), reading.mono(), reading.uncertaintyNanos());
			}
		}
		catch (RejectedExecutionException ex) {
			this.wallTasks.remove(task);
			throw new TaskRejectedException("Scheduler's pool did not accept task " + task.name, ex);
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
	 * What one wake decided to run, outside the task's lock.
	 *
	 * @param run the run
	 * @param misfire the misfire policy applied, or {@code null} for a normal run
	 * @param occurrences the occurrences the run stands for
	 * @param firstDue the earliest of them
	 * @param following the next occurrence when the trigger was already asked for it (a
	 * {@code fire-once} run of a trigger that cannot be asked ahead), else {@code null}
	 * @param followingKnown whether {@code following} is the trigger's answer
	 */
	private record Plan(ScheduledRun run, @Nullable MisfirePolicy misfire, long occurrences, Instant firstDue,
			@Nullable Instant following, boolean followingKnown) {
	}

	/**
	 * Occurrences late beyond the grace period, taken together.
	 *
	 * @param latest the latest of them
	 * @param count how many
	 * @param following the trigger's next occurrence after them, or {@code null} if none
	 */
	private record Missed(Instant latest, long count, @Nullable Instant following) {
	}

	/**
	 * One wall task: its occurrences, high-water mark and the pending wake. As a future it is
	 * the future of the pending occurrence, like Spring's {@code ReschedulingRunnable}.
	 */
	private final class WallTask implements ScheduledFuture<Object> {

		private final Runnable runnable;

		private final String name;

		private final @Nullable Trigger trigger;

		/** Whether the trigger is one of Spring's, which may be asked ahead without side effects. */
		private final boolean askableAhead;

		/** One context for the task's life, updated after each run, as Spring does. */
		private final SimpleTriggerContext triggerContext;

		private final WallTaskPolicy policy;

		private final ErrorHandler errorHandler;

		/** The future of the occurrence waited for (or running); replaced when the next is armed. */
		private CompletableFuture<Object> occurrence = new CompletableFuture<>();

		/** The occurrence waited for; {@code null} once finished. */
		private @Nullable Instant next;

		private @Nullable Instant highWater;

		private @Nullable ScheduledRun lastRun;

		/** Wall and monotonic readings at the last look at the clock, to measure jumps since. */
		private Instant anchorWall = Instant.EPOCH;

		private long anchorMono;

		private long anchorUncertainty;

		private @Nullable ScheduledFuture<?> wake;

		/** The thread running the task, for {@code cancel(true)}. */
		private @Nullable Thread runner;

		private boolean cancelled;

		WallTask(Runnable runnable, @Nullable Trigger trigger, WallTaskPolicy policy, ErrorHandler errorHandler) {
			this.runnable = runnable;
			this.name = runnable.toString();
			this.trigger = trigger;
			this.askableAhead = (trigger != null) && trigger.getClass().getName().startsWith(SPRING_TRIGGERS_PACKAGE);
			this.triggerContext = new SimpleTriggerContext(ClockJumpAwareTaskScheduler.this.clock);
			this.policy = policy;
			this.errorHandler = errorHandler;
		}

		@Nullable Instant firstOccurrence() {
			Assert.state(this.trigger != null, "Not a trigger task");
			return this.trigger.nextExecution(this.triggerContext);
		}

		/**
		 * Sleep until the next occurrence, but never longer than one check interval.
		 * @throws RejectedExecutionException if the pool is shut down
		 */
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
			this.wake = ClockJumpAwareTaskScheduler.this.timer.schedule(this::wake, delay.toNanos(),
					TimeUnit.NANOSECONDS);
		}

		/** Re-arm after a wake; a pool that is shutting down ends the task. */
		private void rearm(Instant anchorWall, long anchorMono, long anchorUncertainty) {
			try {
				arm(anchorWall, anchorMono, anchorUncertainty);
			}
			catch (RejectedExecutionException ex) {
				this.cancelled = true;
				end();
				this.occurrence.cancel(false);
			}
		}

		private void wake() {
			try {
				Plan plan = decide();
				if (plan != null) {
					runAndReschedule(plan);
				}
			}
			catch (RuntimeException | Error ex) {
				// the trigger failed: the task ends with it, as in Spring
				synchronized (this) {
					end();
					this.occurrence.completeExceptionally(ex);
				}
			}
		}

		/** Look at the clocks: re-arm, apply the misfire policy, or return the run to do now. */
		private synchronized @Nullable Plan decide() {
			this.wake = null;
			Instant next = this.next;
			if (this.cancelled || next == null) {
				return null;
			}
			ClockReading reading = ClockReading.of(ClockJumpAwareTaskScheduler.this.timeSource);
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
				rearm(now, mono, reading.uncertaintyNanos());
				return null;
			}
			Duration lateness = Duration.between(next, now);
			Plan plan;
			if (lateness.compareTo(this.policy.grace()) <= 0) {
				RunReason reason = (lateness.compareTo(ClockJumpAwareTaskScheduler.this.checkInterval) <= 0)
						? RunReason.ON_TIME : RunReason.LATE;
				plan = new Plan(runOf(next, now, 0, reason), null, 1, next, null, false);
			}
			else if (this.trigger == null) {
				// an instant task runs once, whatever the policy: there is no later occurrence
				plan = new Plan(runOf(next, now, 0, RunReason.MISFIRE), MisfirePolicy.FIRE_ONCE, 1, next, null, false);
			}
			else {
				Missed missed = takeMissed(next, now);
				if (this.policy.misfirePolicy() == MisfirePolicy.SKIP) {
					this.highWater = later(this.highWater, missed.latest());
					logger.warn("Scheduled task {} skipped {} occurrence(s) from {} to {}, {} late (misfire policy skip)",
							this.name, missed.count(), next, missed.latest(), seconds(lateness));
					this.next = missed.following();
					if (missed.following() == null) {
						end();
						this.occurrence.complete(null);
					}
					else {
						rearm(now, mono, reading.uncertaintyNanos());
					}
					notifyMisfire(this.name, MisfirePolicy.SKIP, missed.count());
					return null;
				}
				plan = new Plan(runOf(missed.latest(), now, missed.count() - 1, RunReason.MISFIRE),
						MisfirePolicy.FIRE_ONCE, missed.count(), next, missed.following(), !this.askableAhead);
			}
			// anchor before the run, so a jump during the run is measured at the next wake
			this.anchorWall = now;
			this.anchorMono = mono;
			this.anchorUncertainty = reading.uncertaintyNanos();
			this.runner = Thread.currentThread();
			return plan;
		}

		private ScheduledRun runOf(Instant nominal, Instant now, long missed, RunReason reason) {
			boolean repeat = this.highWater != null && !nominal.isAfter(this.highWater);
			return new ScheduledRun(this.name, nominal, now, missed, repeat ? RunReason.RERUN : reason);
		}

		/**
		 * Take the occurrences from {@code first} on that are late beyond the grace period. Each
		 * is reported to the trigger as a run that started and ended {@code now} (one call per
		 * occurrence, as a run would make); Spring's triggers are also asked ahead, to count the
		 * occurrences they skip on their own (a cron trigger continues after the completion time).
		 */
		private Missed takeMissed(Instant first, Instant now) {
			Trigger trigger = this.trigger;
			Assert.state(trigger != null, "Not a trigger task");
			Instant lateBefore = now.minus(this.policy.grace());
			Instant latest = first;
			long count = 1;
			this.triggerContext.update(first, now, now);
			Instant following = trigger.nextExecution(this.triggerContext);
			while (following != null && following.isBefore(lateBefore) && count < MAX_COUNTED_OCCURRENCES) {
				latest = following;
				count++;
				this.triggerContext.update(following, now, now);
				following = trigger.nextExecution(this.triggerContext);
			}
			if (this.askableAhead) {
				Instant after = nextAfter(latest);
				while (after != null && !after.isAfter(now) && (following == null || after.isBefore(following))
						&& count < MAX_COUNTED_OCCURRENCES) {
					latest = after;
					count++;
					after = nextAfter(after);
				}
			}
			return new Missed(latest, count, following);
		}

		private void runAndReschedule(Plan plan) {
			ScheduledRun run = plan.run();
			if (plan.misfire() != null) {
				notifyMisfire(this.name, plan.misfire(), plan.occurrences());
				logger.warn("Scheduled task {} runs once for {} occurrence(s) from {} to {} (misfire policy fire-once)",
						this.name, plan.occurrences(), plan.firstDue(), run.nominalTime());
			}
			notifyRun(run);
			Throwable propagated = null;
			try {
				run.runWith(this.runnable);
			}
			catch (Throwable ex) {
				propagated = handle(ex);
			}
			Instant completed = ClockJumpAwareTaskScheduler.this.timeSource.wallTime();
			synchronized (this) {
				this.runner = null;
				this.lastRun = run;
				this.highWater = later(this.highWater, run.nominalTime());
				if (propagated != null) {
					// the error handler rethrew: no further runs, the future fails, as in Spring
					end();
					this.occurrence.completeExceptionally(propagated);
					return;
				}
				if (this.trigger == null || this.cancelled) {
					end();
					this.occurrence.complete(null);
					return;
				}
				Instant following;
				if (plan.followingKnown()) {
					following = plan.following();
				}
				else {
					this.triggerContext.update(run.nominalTime(), run.actualTime(), completed);
					following = this.trigger.nextExecution(this.triggerContext);
				}
				if (following == null) {
					end();
					this.occurrence.complete(null);
					return;
				}
				this.next = following;
				CompletableFuture<Object> done = this.occurrence;
				this.occurrence = new CompletableFuture<>();
				rearm(this.anchorWall, this.anchorMono, this.anchorUncertainty);
				done.complete(null);
			}
		}

		/** Hand a task's exception to the error handler; return what it rethrew, if anything. */
		private @Nullable Throwable handle(Throwable ex) {
			Throwable cause = (ex instanceof UndeclaredThrowableException undeclared
					&& undeclared.getUndeclaredThrowable() != null) ? undeclared.getUndeclaredThrowable() : ex;
			try {
				this.errorHandler.handleError(cause);
				return null;
			}
			catch (Throwable rethrown) {
				return rethrown;
			}
		}

		private Instant onBackwardJump(Duration jump, Instant now, Instant next) {
			if (this.trigger == null) {
				// an instant task simply waits until the wall clock reaches its instant again
				return next;
			}
			BackwardPolicy policy = this.policy.backwardPolicy();
			if (!this.askableAhead) {
				// only Spring's triggers can be asked where to resume: others keep their occurrence
				policy = BackwardPolicy.HOLD;
			}
			else if (policy == BackwardPolicy.AUTO) {
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

		/** Ask one of Spring's triggers, which answer from their context alone, ahead of time. */
		private @Nullable Instant nextAfter(Instant instant) {
			Trigger trigger = this.trigger;
			Assert.state(trigger != null && this.askableAhead, "Trigger cannot be asked ahead");
			SimpleTriggerContext context = new SimpleTriggerContext(ClockJumpAwareTaskScheduler.this.clock);
			context.update(instant, instant, instant);
			return trigger.nextExecution(context);
		}

		/** No more occurrences: forget the task; the caller settles the future. */
		private void end() {
			this.next = null;
			ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
		}

		synchronized WallTaskInfo info() {
			String description = (this.trigger != null) ? this.trigger.toString() : "at " + this.next;
			return new WallTaskInfo(this.name, description, this.next, this.highWater, this.lastRun, this.policy);
		}

		private synchronized CompletableFuture<Object> occurrence() {
			return this.occurrence;
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			boolean cancelledNow;
			synchronized (this) {
				if (this.occurrence.isDone()) {
					return false;
				}
				this.cancelled = true;
				ScheduledFuture<?> wake = this.wake;
				if (wake != null) {
					wake.cancel(false);
					this.wake = null;
				}
				Thread runner = this.runner;
				if (mayInterruptIfRunning && runner != null) {
					runner.interrupt();
				}
				// under the lock, so that a run ending now cannot complete the future first
				cancelledNow = this.occurrence.cancel(false);
			}
			ClockJumpAwareTaskScheduler.this.wallTasks.remove(this);
			return cancelledNow;
		}

		@Override
		public boolean isCancelled() {
			return occurrence().isCancelled();
		}

		@Override
		public boolean isDone() {
			return occurrence().isDone();
		}

		@Override
		public Object get() throws InterruptedException, ExecutionException {
			return occurrence().get();
		}

		@Override
		public Object get(long timeout, TimeUnit unit)
				throws InterruptedException, ExecutionException, TimeoutException {
			return occurrence().get(timeout, unit);
		}

		/** Until the pending occurrence in wall time; once finished, since the last run's (negative). */
		@Override
		public long getDelay(TimeUnit unit) {
			Instant target;
			synchronized (this) {
				target = this.next;
				if (target == null && this.lastRun != null) {
					target = this.lastRun.nominalTime();
				}
			}
			if (target == null) {
				return 0;
			}
			return unit.convert(Duration.between(ClockJumpAwareTaskScheduler.this.timeSource.wallTime(), target));
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
	 * Sets {@link ScheduledRun#current()} around a fixed-rate or fixed-delay task. Its errors
	 * go to the elapsed-time scheduler's error handler, which {@link #setErrorHandler} keeps in
	 * step with this scheduler's.
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
	 * A {@link ThreadPoolTaskScheduler} that remembers its error handler (it has no getter),
	 * so that a handler set by Boot's customizers reaches wall tasks too.
	 */
	@SuppressWarnings("serial")
	private static final class ErrorHandlerRecordingScheduler extends ThreadPoolTaskScheduler {

		private volatile @Nullable ErrorHandler errorHandler;

		@Override
		public void setErrorHandler(ErrorHandler errorHandler) {
			super.setErrorHandler(errorHandler);
			this.errorHandler = errorHandler;
		}

	}

}
