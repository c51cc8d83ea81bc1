package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.contextstarter.clock.WakeDecision.BackwardJump;
import dev.contextstarter.clock.WakeDecision.Decision;
import dev.contextstarter.clock.WakeDecision.Plan;
import dev.contextstarter.clock.WakeDecision.Rules;
import dev.contextstarter.clock.WakeDecision.Skip;
import dev.contextstarter.clock.WakeDecision.TaskState;
import dev.contextstarter.clock.WakeDecision.Wait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link WakeDecision}: every case from the task's state, one clock reading
 * and a trigger's answers, with no executor and no scheduler.
 */
class WakeDecisionTests {

	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

	private static final Duration JUMP_THRESHOLD = Duration.ofSeconds(1);

	private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

	/** The clocks were last read at T, monotonic 0; each test reads them again later. */
	private static TaskState waitingFor(Instant next) {
		return new TaskState(next, null, T, 0, 0);
	}

	private static Rules rules(WallTaskPolicy policy, boolean askableAhead) {
		return new Rules("task", policy, true, askableAhead, JUMP_THRESHOLD, CHECK_INTERVAL);
	}

	/** The clocks {@code elapsed} after T on both clocks: no jump. */
	private static ClockReading steady(Duration elapsed) {
		return new ClockReading(T.plus(elapsed), elapsed.toNanos(), 0);
	}

	@Test
	void notDueWaitsWithoutAskingTheTrigger() {
		EverySeconds trigger = new EverySeconds(10, true);
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(10)), rules(WallTaskPolicy.DEFAULT, true),
				steady(Duration.ofSeconds(1)), trigger);
		assertThat(decision.outcome()).isEqualTo(new Wait(T.plusSeconds(10)));
		assertThat(decision.backwardJump()).isNull();
		assertThat(trigger.calls).isEmpty();
	}

	@Test
	void dueWithinOneCheckIntervalRunsOnTime() {
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(10)), rules(WallTaskPolicy.DEFAULT, true),
				steady(Duration.ofMillis(10_500)), new EverySeconds(10, true));
		Plan plan = (Plan) decision.outcome();
		assertThat(plan.run().reason()).isEqualTo(RunReason.ON_TIME);
		assertThat(plan.run().nominalTime()).isEqualTo(T.plusSeconds(10));
		assertThat(plan.run().actualTime()).isEqualTo(T.plusMillis(10_500));
		assertThat(plan.misfire()).isNull();
		assertThat(plan.occurrences()).isEqualTo(1);
		assertThat(plan.followingKnown()).isFalse();
	}

	@Test
	void lateWithinTheGracePeriodRunsLateNotAsAMisfire() {
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(10)), rules(WallTaskPolicy.DEFAULT, true),
				steady(Duration.ofSeconds(70)), new EverySeconds(10, true));
		Plan plan = (Plan) decision.outcome();
		assertThat(plan.run().reason()).isEqualTo(RunReason.LATE);
		assertThat(plan.misfire()).isNull();
	}

	@Test
	void anInstantTaskBeyondTheGracePeriodRunsOnceWhateverThePolicy() {
		Rules rules = new Rules("task", WallTaskPolicy.DEFAULT.withMisfirePolicy(MisfirePolicy.SKIP), false, false,
				JUMP_THRESHOLD, CHECK_INTERVAL);
		Decision decision = WakeDecision.decide(waitingFor(T), rules, steady(Duration.ofMinutes(5)),
				new EverySeconds(10, false));
		Plan plan = (Plan) decision.outcome();
		assertThat(plan.run().reason()).isEqualTo(RunReason.MISFIRE);
		assertThat(plan.misfire()).isEqualTo(MisfirePolicy.FIRE_ONCE);
		assertThat(plan.occurrences()).isEqualTo(1);
	}

	@Test
	void fireOnceCoalescesEveryMissedOccurrenceOfASpringTriggerIntoOneRunOfTheLatest() {
		EverySeconds trigger = new EverySeconds(10, true);
		Decision decision = WakeDecision.decide(waitingFor(T), rules(WallTaskPolicy.DEFAULT, true),
				steady(Duration.ofMinutes(5)), trigger);
		Plan plan = (Plan) decision.outcome();
		// T, T+10 s, ..., T+300 s: the cron-like trigger continues after the completion
		// time, the ones in between are counted by asking it ahead
		assertThat(plan.occurrences()).isEqualTo(31);
		assertThat(plan.firstDue()).isEqualTo(T);
		assertThat(plan.run().nominalTime()).isEqualTo(T.plusSeconds(300));
		assertThat(plan.run().missedCount()).isEqualTo(30);
		assertThat(plan.run().reason()).isEqualTo(RunReason.MISFIRE);
		assertThat(plan.misfire()).isEqualTo(MisfirePolicy.FIRE_ONCE);
		assertThat(plan.followingKnown()).isFalse();
		assertThat(trigger.runsReported).containsExactly(T);
	}

	@Test
	void skipTakesEveryMissedOccurrenceAndWaitsForTheFollowingOne() {
		Decision decision = WakeDecision.decide(waitingFor(T),
				rules(WallTaskPolicy.DEFAULT.withMisfirePolicy(MisfirePolicy.SKIP), true),
				steady(Duration.ofMinutes(5)), new EverySeconds(10, true));
		assertThat(decision.outcome())
			.isEqualTo(new Skip(T, T.plusSeconds(300), 31, T.plusSeconds(310), Duration.ofMinutes(5)));
	}

	@Test
	void aTriggerThatCannotBeAskedAheadIsToldOfEachMissedRunUntilOneIsWithinTheGracePeriod() {
		EverySeconds trigger = new EverySeconds(10, false);
		Decision decision = WakeDecision.decide(waitingFor(T), rules(WallTaskPolicy.DEFAULT, false),
				steady(Duration.ofMinutes(5)), trigger);
		Plan plan = (Plan) decision.outcome();
		// late beyond 60 s of grace: T .. T+230 s; T+240 s is within the grace period
		assertThat(plan.occurrences()).isEqualTo(24);
		assertThat(plan.run().nominalTime()).isEqualTo(T.plusSeconds(230));
		assertThat(plan.following()).isEqualTo(T.plusSeconds(240));
		assertThat(plan.followingKnown()).isTrue();
		assertThat(trigger.runsReported).hasSize(24).startsWith(T).endsWith(T.plusSeconds(230));
		assertThat(trigger.askedAhead).isZero();
	}

	@Test
	void anOccurrenceAtOrBelowTheHighWaterMarkIsARerun() {
		TaskState state = new TaskState(T.plusSeconds(10), T.plusSeconds(10), T, 0, 0);
		Decision decision = WakeDecision.decide(state, rules(WallTaskPolicy.DEFAULT, true),
				steady(Duration.ofSeconds(10)), new EverySeconds(10, true));
		assertThat(((Plan) decision.outcome()).run().reason()).isEqualTo(RunReason.RERUN);
	}

	@Test
	void autoHoldsAJobWhosePeriodIsLongerThanTheBackwardJump() {
		Instant tomorrow = Instant.parse("2026-03-03T00:00:00Z");
		// one second later on the monotonic clock, the wall clock reads an hour earlier
		ClockReading reading = new ClockReading(T.minus(Duration.ofHours(1)).plusSeconds(1), 1_000_000_000L, 0);
		Decision decision = WakeDecision.decide(waitingFor(tomorrow), rules(WallTaskPolicy.DEFAULT, true), reading,
				new EverySeconds(86_400, true));
		assertThat(decision.backwardJump())
			.isEqualTo(new BackwardJump(Duration.ofHours(1), BackwardPolicy.HOLD, tomorrow));
		assertThat(decision.outcome()).isEqualTo(new Wait(tomorrow));
	}

	@Test
	void autoResumesAJobWhosePeriodIsShorterThanTheBackwardJumpAtItsNextOccurrenceAfterTheNewWallTime() {
		ClockReading reading = new ClockReading(T.minus(Duration.ofHours(1)).plusSeconds(1), 1_000_000_000L, 0);
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(5)), rules(WallTaskPolicy.DEFAULT, true),
				reading, new EverySeconds(5, true));
		Instant resume = T.minus(Duration.ofHours(1)).plusSeconds(5);
		assertThat(decision.backwardJump())
			.isEqualTo(new BackwardJump(Duration.ofHours(1), BackwardPolicy.RERUN, resume));
		assertThat(decision.outcome()).isEqualTo(new Wait(resume));
	}

	@Test
	void aTriggerThatCannotBeAskedAheadHoldsWhateverTheBackwardPolicy() {
		ClockReading reading = new ClockReading(T.minus(Duration.ofHours(1)).plusSeconds(1), 1_000_000_000L, 0);
		EverySeconds trigger = new EverySeconds(5, false);
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(5)),
				rules(WallTaskPolicy.DEFAULT.withBackwardPolicy(BackwardPolicy.RERUN), false), reading, trigger);
		assertThat(decision.backwardJump())
			.isEqualTo(new BackwardJump(Duration.ofHours(1), BackwardPolicy.HOLD, T.plusSeconds(5)));
		assertThat(trigger.calls).isEmpty();
	}

	@Test
	void anInstantTaskWaitsForItsInstantAfterABackwardJumpWithoutSayingSo() {
		Rules rules = new Rules("task", WallTaskPolicy.DEFAULT, false, false, JUMP_THRESHOLD, CHECK_INTERVAL);
		ClockReading reading = new ClockReading(T.minus(Duration.ofHours(1)).plusSeconds(1), 1_000_000_000L, 0);
		Decision decision = WakeDecision.decide(waitingFor(T.plusSeconds(5)), rules, reading,
				new EverySeconds(5, false));
		assertThat(decision.backwardJump()).isNull();
		assertThat(decision.outcome()).isEqualTo(new Wait(T.plusSeconds(5)));
	}

	@Test
	void aStepBackWithinTheThresholdAndTheReadingsUncertaintyIsNoJump() {
		// 1.2 s back, but each reading may be 0.1 s off: 1 s threshold + 0.2 s
		TaskState state = new TaskState(T.plusSeconds(5), null, T, 0, 100_000_000L);
		ClockReading reading = new ClockReading(T.plusSeconds(1).minusMillis(1200), 1_000_000_000L, 100_000_000L);
		Decision decision = WakeDecision.decide(state, rules(WallTaskPolicy.DEFAULT, true), reading,
				new EverySeconds(5, true));
		assertThat(decision.backwardJump()).isNull();
		assertThat(decision.outcome()).isEqualTo(new Wait(T.plusSeconds(5)));
	}

	/**
	 * Occurrences every {@code period} seconds of the epoch. Asked after a run, it
	 * answers like Spring's cron trigger (after the completion time) when it may be asked
	 * ahead, and like a trigger of the user's counting from the last occurrence
	 * otherwise.
	 */
	private static final class EverySeconds implements WakeDecision.Occurrences {

		private final long period;

		private final boolean cronLike;

		final List<Instant> runsReported = new ArrayList<>();

		final List<String> calls = new ArrayList<>();

		int askedAhead;

		EverySeconds(long period, boolean cronLike) {
			this.period = period;
			this.cronLike = cronLike;
		}

		@Override
		public @Nullable Instant afterRunAt(Instant occurrence, Instant now) {
			this.calls.add("afterRunAt");
			this.runsReported.add(occurrence);
			return this.cronLike ? next(now) : occurrence.plusSeconds(this.period);
		}

		@Override
		public @Nullable Instant after(Instant instant) {
			this.calls.add("after");
			this.askedAhead++;
			return next(instant);
		}

		private Instant next(Instant instant) {
			long seconds = Math.floorDiv(instant.getEpochSecond(), this.period) * this.period + this.period;
			return Instant.ofEpochSecond(seconds);
		}

	}

}
