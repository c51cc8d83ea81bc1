package dev.contextstarter.clock;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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

import dev.contextstarter.support.ListenerCalls;

/**
 * A {@link TaskScheduler} whose wall-clock tasks keep to the wall clock when it jumps.
 * <p>
 * <b>Wall tasks</b> ({@link #schedule(Runnable, Trigger) triggers} such as cron, and
 * {@link #schedule(Runnable, Instant) instants}) are identified by their nominal
 * instants. A task never sleeps longer than one check interval: on every wake it re-reads
 * the wall clock, so after a jump it is re-armed within one interval and never runs
 * before its nominal time. It keeps a high-water mark (the latest occurrence run or
 * skipped). A run that starts late by at most the grace period is a normal run; beyond
 * that the {@link MisfirePolicy} applies. After the wall clock goes back by J the
 * {@link BackwardPolicy} applies. Runs of one task never overlap: the next wake is armed
 * only after a run ends.
 * <p>
 * <b>Elapsed tasks</b> (fixed rate, fixed delay) follow the monotonic clock and ignore
 * wall jumps; they are handed to the elapsed-time scheduler as they are.
 * <p>
 * Where no jump or stall happens it keeps {@link ThreadPoolTaskScheduler}'s contract: the
 * same futures, one {@link ErrorHandler} for every kind of task with Spring's defaults
 * (log and propagate for one-time tasks, log and suppress for repeating ones), and a
 * {@link Trigger} asked exactly what Spring asks it: once when scheduled and once after
 * each run. Only Spring's own triggers ({@code CronTrigger}, {@code PeriodicTrigger}),
 * whose answers depend on nothing but the context, are asked ahead, to count missed
 * occurrences and to find where to resume after the wall clock went back.
 * <p>
 * A running task can read {@link ScheduledRun#current()}; with
 * {@link #setRequestIds(ScheduledRunRequestIds)} the run carries the request ID it runs
 * under.
 */
public class ClockJumpAwareTaskScheduler implements TaskScheduler, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClockJumpAwareTaskScheduler.class);

	private final TaskScheduler elapsedScheduler;

	private final ScheduledExecutorService timer;

	private final TimeSource timeSource;

	private final Clock clock;

	private final Duration checkInterval;

	private final Duration jumpThreshold;

	private final Set<WallTask> wallTasks = ConcurrentHashMap.newKeySet();

	private Function<String, WallTaskPolicy> policies = (name) -> WallTaskPolicy.DEFAULT;

	private List<ScheduledRunListener> listeners = List.of();

	private ScheduledRunRequestIds requestIds = (task) -> null;

	/** {@code null}: Spring's defaults, chosen per task kind. */
	private volatile @Nullable ErrorHandler errorHandler;

	private @Nullable Runnable shutdownAction;

	private volatile boolean destroyed;

	/**
	 * Create a scheduler.
	 * @param elapsedScheduler runs fixed-rate and fixed-delay tasks
	 * @param timer wakes wall tasks (with monotonic delays) and runs them
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall
	 * clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward
	 * jump
	 */
	public ClockJumpAwareTaskScheduler(TaskScheduler elapsedScheduler, ScheduledExecutorService timer,
			TimeSource timeSource, Duration checkInterval, Duration jumpThreshold) {
		Assert.isTrue((checkInterval.compareTo(Duration.ZERO) > 0), "checkInterval must be positive");
		Assert.isTrue((jumpThreshold.compareTo(Duration.ZERO) > 0), "jumpThreshold must be positive");
		this.elapsedScheduler = elapsedScheduler;
		this.timer = timer;
		this.timeSource = timeSource;
		// the zone a cron trigger without one runs in: the system's, as in
		// ThreadPoolTaskScheduler
		this.clock = timeSource.asClock().withZone(ZoneId.systemDefault());
		this.checkInterval = checkInterval;
		this.jumpThreshold = jumpThreshold;
	}

	/**
	 * Decorate a {@link ThreadPoolTaskScheduler} (initialising it if needed): its pool
	 * runs every task, and it is shut down with this scheduler. An {@link ErrorHandler}
	 * set on it before cannot be read back: set it with
	 * {@link #setErrorHandler(ErrorHandler)} instead, or use
	 * {@link #decorate(Consumer, TimeSource, Duration, Duration)}.
	 * @param delegate the thread pool scheduler
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall
	 * clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward
	 * jump
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
	 * Create a {@link ThreadPoolTaskScheduler}, let {@code configurer} set it up, and
	 * decorate it. An {@link ErrorHandler} the configurer sets (for example a Boot
	 * {@code ThreadPoolTaskSchedulerCustomizer}) becomes this scheduler's, for every
	 * task.
	 * @param configurer sets up the delegate, for example Boot's
	 * {@code ThreadPoolTaskSchedulerBuilder::configure}
	 * @param timeSource the clocks
	 * @param checkInterval the longest a wall task sleeps before re-reading the wall
	 * clock
	 * @param jumpThreshold how far the wall clock must go back to count as a backward
	 * jump
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
	 * Set how a wall task's policy is found from its name (for {@code @Scheduled}
	 * methods, the qualified method name).
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
	 * Set where the request ID of each run ({@link ScheduledRun#requestId()}) comes from.
	 * @param requestIds gives the ID a run of a task runs under
	 */
	public void setRequestIds(ScheduledRunRequestIds requestIds) {
		this.requestIds = Objects.requireNonNull(requestIds, "requestIds must not be null");
	}

	/**
	 * Set what handles an exception thrown by any task scheduled from now on, wall or
	 * elapsed (as {@link ThreadPoolTaskScheduler#setErrorHandler(ErrorHandler)}; it is
	 * also set on the elapsed-time scheduler when that is a
	 * {@link ThreadPoolTaskScheduler} or a {@link ConcurrentTaskScheduler}). Without one,
	 * Spring's defaults apply: log and propagate for one-time tasks, log and suppress for
	 * repeating ones.
	 * @param errorHandler the error handler
	 */
	public void setErrorHandler(ErrorHandler errorHandler) {
		this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler must not be null");
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
		WallTask wallTask = new WallTask(this, task, trigger, policy, errorHandlerFor(true));
		Instant first = wallTask.firstOccurrence();
		if (first == null) {
			return null;
		}
		return start(wallTask, first);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		return start(new WallTask(this, task, null, this.policies.apply(task.toString()), errorHandlerFor(false)),
				startTime);
	}

	private ErrorHandler errorHandlerFor(boolean repeating) {
		ErrorHandler handler = this.errorHandler;
		return (handler != null) ? handler : TaskUtils.getDefaultErrorHandler(repeating);
	}

	private ScheduledFuture<?> start(WallTask task, Instant first) {
		if (this.destroyed) {
			throw new TaskRejectedException("Scheduler is shut down: did not accept task " + task.name());
		}
		this.wallTasks.add(task);
		try {
			task.start(first, ClockReading.of(this.timeSource));
		}
		catch (RejectedExecutionException ex) {
			this.wallTasks.remove(task);
			throw new TaskRejectedException("Scheduler's pool did not accept task " + task.name(), ex);
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

	/**
	 * The start time is turned into a delay once: after that the task is elapsed-time
	 * only.
	 */
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
		return this.wallTasks.stream().map(WallTask::info).sorted(Comparator.comparing(WallTaskInfo::task)).toList();
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

	/**
	 * Return the request ID the next run of {@code task} runs under; a failing source
	 * leaves the run without one rather than stopping it.
	 */
	@Nullable String requestIdOfNextRun(Runnable task, String name) {
		try {
			return this.requestIds.requestIdOfNextRun(task);
		}
		catch (RuntimeException ex) {
			logger.warn("Request ID source {} failed for scheduled task {}", this.requestIds, name, ex);
			return null;
		}
	}

	void notifyRun(ScheduledRun run) {
		ListenerCalls.callEach(this.listeners, (listener) -> listener.onRun(run), logger);
	}

	void notifyMisfire(String task, MisfirePolicy policy, long missed) {
		ListenerCalls.callEach(this.listeners, (listener) -> listener.onMisfire(task, policy, missed), logger);
	}

	ScheduledExecutorService timer() {
		return this.timer;
	}

	TimeSource timeSource() {
		return this.timeSource;
	}

	Duration checkInterval() {
		return this.checkInterval;
	}

	Duration jumpThreshold() {
		return this.jumpThreshold;
	}

	/** A wall task ended or was cancelled. */
	void forget(WallTask task) {
		this.wallTasks.remove(task);
	}

	/**
	 * Sets {@link ScheduledRun#current()} around a fixed-rate or fixed-delay task. Its
	 * errors go to the elapsed-time scheduler's error handler, which
	 * {@link #setErrorHandler} keeps in step with this scheduler's.
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
			ScheduledRun run = new ScheduledRun(this.name, now, now, 0, RunReason.ELAPSED,
					requestIdOfNextRun(this.task, this.name));
			notifyRun(run);
			run.runWith(this.task);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * A {@link ThreadPoolTaskScheduler} that remembers its error handler (it has no
	 * getter), so that a handler set by Boot's customizers reaches wall tasks too.
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
