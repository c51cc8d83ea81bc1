package dev.contextstarter.clock;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.support.SimpleTriggerContext;
import org.springframework.util.Assert;
import org.springframework.util.ErrorHandler;

import dev.contextstarter.clock.WakeDecision.BackwardJump;
import dev.contextstarter.clock.WakeDecision.Outcome;
import dev.contextstarter.clock.WakeDecision.Plan;
import dev.contextstarter.clock.WakeDecision.Skip;
import dev.contextstarter.clock.WakeDecision.Wait;

/**
 * One wall task: its occurrences, high-water mark and the pending wake. As a future it is
 * the future of the pending occurrence, like Spring's {@code ReschedulingRunnable}. What
 * to do at a wake is {@link WakeDecision}'s to decide; the task applies it under its
 * lock, then runs outside it.
 */
final class WallTask implements ScheduledFuture<Object>, WakeDecision.Occurrences {

	private static final Logger logger = LoggerFactory.getLogger(ClockJumpAwareTaskScheduler.class);

	/**
	 * Triggers of this package answer from their context alone, so they may be asked
	 * ahead.
	 */
	private static final String SPRING_TRIGGERS_PACKAGE = "org.springframework.scheduling.support.";

	private final ClockJumpAwareTaskScheduler scheduler;

	private final Runnable runnable;

	private final String name;

	private final @Nullable Trigger trigger;

	/**
	 * Whether the trigger is one of Spring's, which may be asked ahead without side
	 * effects.
	 */
	private final boolean askableAhead;

	/** One context for the task's life, updated after each run, as Spring does. */
	private final SimpleTriggerContext triggerContext;

	private final WallTaskPolicy policy;

	private final WakeDecision.Rules rules;

	private final ErrorHandler errorHandler;

	/**
	 * The future of the occurrence waited for (or running); replaced when the next is
	 * armed.
	 */
	private CompletableFuture<Object> occurrence = new CompletableFuture<>();

	/** The occurrence waited for; {@code null} once finished. */
	private @Nullable Instant next;

	private @Nullable Instant highWater;

	private @Nullable ScheduledRun lastRun;

	/**
	 * Wall and monotonic readings at the last look at the clock, to measure jumps since.
	 */
	private Instant anchorWall = Instant.EPOCH;

	private long anchorMono;

	private long anchorUncertainty;

	private @Nullable ScheduledFuture<?> wake;

	/** The thread running the task, for {@code cancel(true)}. */
	private @Nullable Thread runner;

	private boolean cancelled;

	WallTask(ClockJumpAwareTaskScheduler scheduler, Runnable runnable, @Nullable Trigger trigger, WallTaskPolicy policy,
			ErrorHandler errorHandler) {
		this.scheduler = scheduler;
		this.runnable = runnable;
		this.name = runnable.toString();
		this.trigger = trigger;
		this.askableAhead = (trigger != null) && trigger.getClass().getName().startsWith(SPRING_TRIGGERS_PACKAGE);
		this.triggerContext = new SimpleTriggerContext(scheduler.getClock());
		this.policy = policy;
		this.rules = new WakeDecision.Rules(this.name, policy, trigger != null, this.askableAhead,
				scheduler.jumpThreshold(), scheduler.checkInterval());
		this.errorHandler = errorHandler;
	}

	String name() {
		return this.name;
	}

	/**
	 * Arm the first wake, towards {@code first}.
	 * @throws RejectedExecutionException if the pool is shut down
	 */
	synchronized void start(Instant first, ClockReading reading) {
		this.next = first;
		arm(reading.wall(), reading.mono(), reading.uncertaintyNanos());
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
		Duration delay = Duration.between(this.scheduler.timeSource().wallTime(), next);
		if (delay.isNegative()) {
			delay = Duration.ZERO;
		}
		else if (delay.compareTo(this.scheduler.checkInterval()) > 0) {
			delay = this.scheduler.checkInterval();
		}
		this.wake = this.scheduler.timer().schedule(this::wake, delay.toNanos(), TimeUnit.NANOSECONDS);
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

	/**
	 * Look at the clocks: re-arm, apply the misfire policy, or return the run to do now.
	 */
	private synchronized @Nullable Plan decide() {
		this.wake = null;
		Instant next = this.next;
		if (this.cancelled || next == null) {
			return null;
		}
		ClockReading reading = ClockReading.of(this.scheduler.timeSource());
		WakeDecision.Decision decision = WakeDecision.decide(new WakeDecision.TaskState(next, this.highWater,
				this.anchorWall, this.anchorMono, this.anchorUncertainty), this.rules, reading, this);
		BackwardJump backward = decision.backwardJump();
		if (backward != null) {
			logger.info("Wall clock went back by {}: scheduled task {} {} {}", seconds(backward.jump()), this.name,
					(backward.policy() == BackwardPolicy.HOLD) ? "holds until" : "resumes at", backward.waitFor());
			this.next = backward.waitFor();
		}
		Outcome outcome = decision.outcome();
		if (outcome instanceof Wait) {
			rearm(reading.wall(), reading.mono(), reading.uncertaintyNanos());
			return null;
		}
		if (outcome instanceof Skip skip) {
			this.highWater = later(this.highWater, skip.latest());
			logger.warn("Scheduled task {} skipped {} occurrence(s) from {} to {}, {} late (misfire policy skip)",
					this.name, skip.count(), skip.first(), skip.latest(), seconds(skip.lateness()));
			this.next = skip.following();
			if (skip.following() == null) {
				end();
				this.occurrence.complete(null);
			}
			else {
				rearm(reading.wall(), reading.mono(), reading.uncertaintyNanos());
			}
			this.scheduler.notifyMisfire(this.name, MisfirePolicy.SKIP, skip.count());
			return null;
		}
		// anchor before the run, so a jump during the run is measured at the next wake
		this.anchorWall = reading.wall();
		this.anchorMono = reading.mono();
		this.anchorUncertainty = reading.uncertaintyNanos();
		this.runner = Thread.currentThread();
		return (Plan) outcome;
	}

	/**
	 * Report a run of {@code occurrence} from {@code now} to {@code now} to the trigger
	 * and ask it.
	 */
	@Override
	public @Nullable Instant afterRunAt(Instant occurrence, Instant now) {
		Trigger trigger = this.trigger;
		Assert.state(trigger != null, "Not a trigger task");
		this.triggerContext.update(occurrence, now, now);
		return trigger.nextExecution(this.triggerContext);
	}

	private void runAndReschedule(Plan plan) {
		ScheduledRun run = plan.run().withRequestId(this.scheduler.requestIdOfNextRun(this.runnable, this.name));
		if (plan.misfire() != null) {
			this.scheduler.notifyMisfire(this.name, plan.misfire(), plan.occurrences());
			logger.warn("Scheduled task {} runs once for {} occurrence(s) from {} to {} (misfire policy fire-once)",
					this.name, plan.occurrences(), plan.firstDue(), run.nominalTime());
		}
		this.scheduler.notifyRun(run);
		Throwable propagated = null;
		try {
			run.runWith(this.runnable);
		}
		catch (Throwable ex) {
			propagated = handle(ex);
		}
		Instant completed = this.scheduler.timeSource().wallTime();
		synchronized (this) {
			this.runner = null;
			this.lastRun = run;
			this.highWater = later(this.highWater, run.nominalTime());
			if (propagated != null) {
				// the error handler rethrew: no further runs, the future fails, as in
				// Spring
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

	/**
	 * Hand a task's exception to the error handler; return what it rethrew, if anything.
	 */
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

	/**
	 * Ask one of Spring's triggers, which answer from their context alone, ahead of time.
	 */
	@Override
	public @Nullable Instant after(Instant instant) {
		Trigger trigger = this.trigger;
		Assert.state(trigger != null && this.askableAhead, "Trigger cannot be asked ahead");
		SimpleTriggerContext context = new SimpleTriggerContext(this.scheduler.getClock());
		context.update(instant, instant, instant);
		return trigger.nextExecution(context);
	}

	/** No more occurrences: forget the task; the caller settles the future. */
	private void end() {
		this.next = null;
		this.scheduler.forget(this);
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
		this.scheduler.forget(this);
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
	public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		return occurrence().get(timeout, unit);
	}

	/**
	 * Until the pending occurrence in wall time; once finished, since the last run's
	 * (negative).
	 */
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
		return unit.convert(Duration.between(this.scheduler.timeSource().wallTime(), target));
	}

	@Override
	public int compareTo(Delayed other) {
		return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
	}

	@Override
	public String toString() {
		return "WallTask[" + this.name + "]";
	}

	private static Instant later(@Nullable Instant a, Instant b) {
		return (a == null || b.isAfter(a)) ? b : a;
	}

	private static String seconds(Duration duration) {
		return ClockEvent.seconds(duration);
	}

}
