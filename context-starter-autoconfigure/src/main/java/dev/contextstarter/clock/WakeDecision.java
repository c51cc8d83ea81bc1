package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a wall task does when it wakes, decided from its state, one reading of the clocks
 * and its trigger's answers alone: no executor, no lock, no log, no listener.
 * {@link WallTask} applies the decision. The only calls out are to the trigger, through
 * {@link Occurrences}, and they are the calls Spring's scheduler would make.
 */
final class WakeDecision {

	/**
	 * Upper bound on occurrences counted or skipped in one wake (an every-second cron
	 * over years).
	 */
	static final int MAX_COUNTED_OCCURRENCES = 100_000;

	private WakeDecision() {
	}

	/**
	 * Decide what a wall task does at this wake: wait (re-armed towards its occurrence),
	 * skip what it missed, or run.
	 * @param state the task's state
	 * @param rules what does not change over the task's life
	 * @param reading the clocks, read once at this wake
	 * @param occurrences the trigger's answers
	 * @return the decision
	 */
	static Decision decide(TaskState state, Rules rules, ClockReading reading, Occurrences occurrences) {
		Instant now = reading.wall();
		Instant next = state.next();
		Duration back = Duration.between(now, state.anchorWall().plusNanos(reading.mono() - state.anchorMono()));
		// a thread preempted between its two clock reads must not look like a backward
		// jump
		Duration threshold = rules.jumpThreshold().plusNanos(state.anchorUncertainty() + reading.uncertaintyNanos());
		BackwardJump backward = null;
		if (back.compareTo(threshold) > 0) {
			backward = onBackwardJump(back, now, next, rules, occurrences);
			if (backward != null) {
				next = backward.waitFor();
			}
		}
		if (now.isBefore(next)) {
			return new Decision(new Wait(next), backward);
		}
		Duration lateness = Duration.between(next, now);
		Outcome outcome;
		if (lateness.compareTo(rules.policy().grace()) <= 0) {
			RunReason reason = (lateness.compareTo(rules.checkInterval()) <= 0) ? RunReason.ON_TIME : RunReason.LATE;
			outcome = new Plan(runOf(state, rules, next, now, 0, reason), null, 1, next, null, false);
		}
		else if (!rules.repeating()) {
			// an instant task runs once, whatever the policy: there is no later
			// occurrence
			outcome = new Plan(runOf(state, rules, next, now, 0, RunReason.MISFIRE), MisfirePolicy.FIRE_ONCE, 1, next,
					null, false);
		}
		else {
			Missed missed = takeMissed(next, now, rules, occurrences);
			if (rules.policy().misfirePolicy() == MisfirePolicy.SKIP) {
				outcome = new Skip(next, missed.latest(), missed.count(), missed.following(), lateness);
			}
			else {
				outcome = new Plan(runOf(state, rules, missed.latest(), now, missed.count() - 1, RunReason.MISFIRE),
						MisfirePolicy.FIRE_ONCE, missed.count(), next, missed.following(), !rules.askableAhead());
			}
		}
		return new Decision(outcome, backward);
	}

	/**
	 * Apply the backward policy after the wall clock went back by {@code jump}.
	 * @return where the task now waits and why, or {@code null} when nothing changes
	 * worth telling
	 */
	private static @Nullable BackwardJump onBackwardJump(Duration jump, Instant now, Instant next, Rules rules,
			Occurrences occurrences) {
		if (!rules.repeating()) {
			// an instant task simply waits until the wall clock reaches its instant again
			return null;
		}
		BackwardPolicy policy = rules.policy().backwardPolicy();
		if (!rules.askableAhead()) {
			// only Spring's triggers can be asked where to resume: others keep their
			// occurrence
			policy = BackwardPolicy.HOLD;
		}
		else if (policy == BackwardPolicy.AUTO) {
			Instant following = occurrences.after(next);
			boolean shorterThanPeriod = following == null || jump.compareTo(Duration.between(next, following)) < 0;
			policy = shorterThanPeriod ? BackwardPolicy.HOLD : BackwardPolicy.RERUN;
		}
		if (policy == BackwardPolicy.HOLD) {
			return new BackwardJump(jump, BackwardPolicy.HOLD, next);
		}
		Instant resume = occurrences.after(now);
		return (resume != null) ? new BackwardJump(jump, BackwardPolicy.RERUN, resume) : null;
	}

	/**
	 * Take the occurrences from {@code first} on that are late beyond the grace period.
	 * Each is reported to the trigger as a run that started and ended {@code now} (one
	 * call per occurrence, as a run would make); Spring's triggers are also asked ahead,
	 * to count the occurrences they skip on their own (a cron trigger continues after the
	 * completion time).
	 */
	private static Missed takeMissed(Instant first, Instant now, Rules rules, Occurrences occurrences) {
		Instant lateBefore = now.minus(rules.policy().grace());
		Instant latest = first;
		long count = 1;
		Instant following = occurrences.afterRunAt(first, now);
		while (following != null && following.isBefore(lateBefore) && count < MAX_COUNTED_OCCURRENCES) {
			latest = following;
			count++;
			following = occurrences.afterRunAt(following, now);
		}
		if (rules.askableAhead()) {
			Instant after = occurrences.after(latest);
			while (after != null && !after.isAfter(now) && (following == null || after.isBefore(following))
					&& count < MAX_COUNTED_OCCURRENCES) {
				latest = after;
				count++;
				after = occurrences.after(after);
			}
		}
		return new Missed(latest, count, following);
	}

	private static ScheduledRun runOf(TaskState state, Rules rules, Instant nominal, Instant now, long missed,
			RunReason reason) {
		boolean repeat = state.highWater() != null && !nominal.isAfter(state.highWater());
		return new ScheduledRun(rules.name(), nominal, now, missed, repeat ? RunReason.RERUN : reason, null);
	}

	/**
	 * A wall task's state at a wake.
	 *
	 * @param next the occurrence waited for
	 * @param highWater the latest occurrence run or skipped, if any
	 * @param anchorWall the wall reading at the task's last look at the clocks
	 * @param anchorMono the monotonic reading then
	 * @param anchorUncertainty how far off {@code anchorMono} may be
	 */
	record TaskState(Instant next, @Nullable Instant highWater, Instant anchorWall, long anchorMono,
			long anchorUncertainty) {
	}

	/**
	 * What does not change over a wall task's life.
	 *
	 * @param name the task's name
	 * @param policy its policy
	 * @param repeating whether it has a trigger (otherwise it runs once, at an instant)
	 * @param askableAhead whether the trigger is one of Spring's, which may be asked
	 * ahead
	 * @param jumpThreshold how far the wall clock must go back to count as a backward
	 * jump
	 * @param checkInterval the longest the task sleeps; a run later than that is
	 * {@code LATE}
	 */
	record Rules(String name, WallTaskPolicy policy, boolean repeating, boolean askableAhead, Duration jumpThreshold,
			Duration checkInterval) {
	}

	/**
	 * A trigger's answers.
	 */
	interface Occurrences {

		/**
		 * The trigger's next occurrence once {@code occurrence} is reported as a run that
		 * started and ended {@code now} (the call a run makes; any trigger).
		 */
		@Nullable Instant afterRunAt(Instant occurrence, Instant now);

		/**
		 * The next occurrence after {@code instant}, asked ahead (Spring's triggers
		 * only).
		 */
		@Nullable Instant after(Instant instant);

	}

	/**
	 * The decision of one wake.
	 *
	 * @param outcome what the task does
	 * @param backwardJump how it answered a backward jump of the wall clock, if it saw
	 * one
	 */
	record Decision(Outcome outcome, @Nullable BackwardJump backwardJump) {
	}

	/**
	 * What the task does at a wake: {@link Wait}, {@link Skip} or run ({@link Plan}).
	 */
	sealed interface Outcome permits Wait, Skip, Plan {

	}

	/**
	 * Not due yet: sleep towards {@code next} (at most one check interval).
	 *
	 * @param next the occurrence waited for
	 */
	record Wait(Instant next) implements Outcome {
	}

	/**
	 * Occurrences late beyond the grace period under the {@code skip} misfire policy.
	 *
	 * @param first the first of them
	 * @param latest the latest of them, the task's new high-water mark
	 * @param count how many
	 * @param following the next occurrence, or {@code null} if the trigger has none
	 * @param lateness how late the first one is
	 */
	record Skip(Instant first, Instant latest, long count, @Nullable Instant following,
			Duration lateness) implements Outcome {
	}

	/**
	 * A run to do now, outside the task's lock.
	 *
	 * @param run the run
	 * @param misfire the misfire policy applied, or {@code null} for a normal run
	 * @param occurrences the occurrences the run stands for
	 * @param firstDue the earliest of them
	 * @param following the next occurrence when the trigger was already asked for it (a
	 * {@code fire-once} run of a trigger that cannot be asked ahead), else {@code null}
	 * @param followingKnown whether {@code following} is the trigger's answer
	 */
	record Plan(ScheduledRun run, @Nullable MisfirePolicy misfire, long occurrences, Instant firstDue,
			@Nullable Instant following, boolean followingKnown) implements Outcome {
	}

	/**
	 * How a task answered a backward jump of the wall clock.
	 *
	 * @param jump how far the wall clock went back
	 * @param policy the backward policy applied ({@code auto} resolved)
	 * @param waitFor the occurrence the task now waits for
	 */
	record BackwardJump(Duration jump, BackwardPolicy policy, Instant waitFor) {
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

}
