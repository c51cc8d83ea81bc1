package dev.contextstarter.it.clock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.contextstarter.clock.BackwardPolicy;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.MisfirePolicy;
import dev.contextstarter.clock.RunReason;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.WallTaskInfo;
import dev.contextstarter.clock.WallTaskPolicy;
import dev.contextstarter.it.clock.SchedulerHarness.RecordingTask;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.scheduling.support.SimpleTriggerContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deterministic behaviour of the clock-jump-aware scheduler: manual clocks, a manual
 * executor, no sleeps.
 */
class ClockJumpAwareTaskSchedulerTests {

	private static final Duration HOUR = Duration.ofHours(1);

	private SchedulerHarness harness = new SchedulerHarness(Instant.parse("2026-01-05T10:00:30Z"));

	@AfterEach
	void destroy() {
		this.harness.scheduler.destroy();
	}

	private RecordingTask task(String name) {
		return new RecordingTask(name, this.harness.time);
	}

	@Test
	void everyMinuteCronAfterForwardJumpRunsOnceCoalescedThenOnTheNewMinutes() {
		RecordingTask task = task("everyMinute");
		this.harness.scheduler.schedule(task, new CronTrigger("0 * * * * *"));
		this.harness.advance(Duration.ofSeconds(40));
		assertThat(task.scheduledRuns()).singleElement().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T10:01:00Z"));
			assertThat(run.actualTime()).isEqualTo(run.nominalTime());
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
			assertThat(run.missedCount()).isZero();
		});
		// 10:01:10 -> 11:01:10: the occurrences 10:02 .. 11:01 (60) are due at once
		this.harness.jumpAndTick(HOUR);
		assertThat(task.scheduledRuns()).hasSize(2);
		ScheduledRun coalesced = task.scheduledRuns().get(1);
		assertThat(coalesced.reason()).isEqualTo(RunReason.MISFIRE);
		assertThat(coalesced.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:01:00Z"));
		assertThat(coalesced.missedCount()).isEqualTo(59);
		assertThat(this.harness.misfires).singleElement()
			.satisfies((misfire) -> assertThat(misfire.policy()).isEqualTo(MisfirePolicy.FIRE_ONCE))
			.satisfies((misfire) -> assertThat(misfire.missed()).isEqualTo(60));
		// then on the new wall clock's minutes, exactly on time
		this.harness.advance(Duration.ofMinutes(3));
		assertThat(task.scheduledRuns().subList(2, 5)).allSatisfy((run) -> {
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
			assertThat(run.actualTime()).isEqualTo(run.nominalTime());
		});
		assertThat(task.nominals().subList(2, 5)).containsExactly(Instant.parse("2026-01-05T11:02:00Z"),
				Instant.parse("2026-01-05T11:03:00Z"), Instant.parse("2026-01-05T11:04:00Z"));
	}

	@Test
	void everyMinuteCronAfterForwardJumpWithSkipDoesNotRunForTheMissedMinutes() {
		RecordingTask task = task("everyMinuteSkip");
		this.harness.scheduler.schedule(task, new CronTrigger("0 * * * * *"),
				WallTaskPolicy.DEFAULT.withMisfirePolicy(MisfirePolicy.SKIP));
		this.harness.advance(Duration.ofSeconds(40));
		this.harness.jumpAndTick(HOUR);
		assertThat(task.runs).hasSize(1);
		assertThat(this.harness.misfires).singleElement().satisfies((misfire) -> {
			assertThat(misfire.policy()).isEqualTo(MisfirePolicy.SKIP);
			assertThat(misfire.missed()).isEqualTo(60);
		});
		this.harness.advance(Duration.ofSeconds(50));
		assertThat(task.scheduledRuns()).hasSize(2).last().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:02:00Z"));
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
		});
	}

	@Test
	void forwardJumpWithinGraceRunsOnceAsALateRun() {
		RecordingTask task = task("everyMinuteSmallJump");
		this.harness.scheduler.schedule(task, new CronTrigger("0 * * * * *"));
		this.harness.advance(Duration.ofSeconds(40));
		// 10:01:10 -> 10:02:40: 10:02 is 40 s late, within the 60 s grace
		this.harness.jumpAndTick(Duration.ofSeconds(89));
		assertThat(task.scheduledRuns()).hasSize(2).last().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T10:02:00Z"));
			assertThat(run.reason()).isEqualTo(RunReason.LATE);
			assertThat(run.missedCount()).isZero();
		});
		assertThat(this.harness.misfires).isEmpty();
	}

	@Test
	void backwardJumpOfAnHourDoesNotRepeatADailyJobButKeepsAFiveSecondJobRunning() {
		this.harness = new SchedulerHarness(Instant.parse("2026-01-05T02:59:30Z"));
		RecordingTask daily = task("daily");
		RecordingTask poller = task("poller");
		this.harness.scheduler.schedule(daily, new CronTrigger("0 0 3 * * *"));
		this.harness.scheduler.schedule(poller, new CronTrigger("*/5 * * * * *"));
		this.harness.advance(Duration.ofSeconds(60));
		assertThat(daily.nominals()).containsExactly(Instant.parse("2026-01-05T03:00:00Z"));
		int pollerRuns = poller.runs.size();
		// 03:00:30 -> 02:00:30
		this.harness.time.jump(HOUR.negated());
		this.harness.advance(Duration.ofSeconds(11));
		// auto = rerun for the poller (1 h >= 5 s): it runs on the new wall clock at once
		assertThat(poller.scheduledRuns().subList(pollerRuns, poller.runs.size())).hasSize(2).allSatisfy((run) -> {
			assertThat(run.reason()).isEqualTo(RunReason.RERUN);
			assertThat(run.actualTime()).isEqualTo(run.nominalTime());
		});
		assertThat(poller.nominals().subList(pollerRuns, poller.runs.size()))
			.containsExactly(Instant.parse("2026-01-05T02:00:35Z"), Instant.parse("2026-01-05T02:00:40Z"));
		// auto = hold for the daily job (1 h < 24 h): 03:00 comes round again but it does
		// not run
		this.harness.advance(Duration.ofHours(2));
		assertThat(daily.nominals()).containsExactly(Instant.parse("2026-01-05T03:00:00Z"));
		assertThat(nextNominal("daily")).isEqualTo(Instant.parse("2026-01-06T03:00:00Z"));
		// the poller never fell silent: one run per 5 s of the new wall clock
		assertThat(poller.runs.size() - pollerRuns).isEqualTo(2 + 2 * 60 * 12);
	}

	@Test
	void backwardJumpWithHoldWaitsUntilTheWallClockPassesTheHighWaterMark() {
		RecordingTask poller = task("pollerHold");
		this.harness.scheduler.schedule(poller, new CronTrigger("*/5 * * * * *"),
				WallTaskPolicy.DEFAULT.withBackwardPolicy(BackwardPolicy.HOLD));
		this.harness.advance(Duration.ofSeconds(10));
		Instant highWater = Instant.parse("2026-01-05T10:00:40Z");
		assertThat(poller.nominals()).last().isEqualTo(highWater);
		int before = poller.runs.size();
		this.harness.time.jump(HOUR.negated());
		this.harness.advance(HOUR.minusSeconds(1));
		assertThat(poller.runs).hasSize(before);
		// 10:00:39 -> 10:00:50
		this.harness.advance(Duration.ofSeconds(11));
		assertThat(poller.nominals().subList(before, poller.runs.size()))
			.containsExactly(Instant.parse("2026-01-05T10:00:45Z"), Instant.parse("2026-01-05T10:00:50Z"));
		assertThat(poller.nominals()).doesNotHaveDuplicates().isSorted();
	}

	@Test
	void backwardJumpWithRerunRepeatsTheDailyJob() {
		this.harness = new SchedulerHarness(Instant.parse("2026-01-05T02:59:30Z"));
		RecordingTask daily = task("dailyRerun");
		this.harness.scheduler.schedule(daily, new CronTrigger("0 0 3 * * *"),
				WallTaskPolicy.DEFAULT.withBackwardPolicy(BackwardPolicy.RERUN));
		this.harness.advance(Duration.ofSeconds(60));
		this.harness.time.jump(HOUR.negated());
		this.harness.advance(Duration.ofHours(2));
		assertThat(daily.nominals()).containsExactly(Instant.parse("2026-01-05T03:00:00Z"),
				Instant.parse("2026-01-05T03:00:00Z"));
		assertThat(daily.scheduledRuns().get(1).reason()).isEqualTo(RunReason.RERUN);
	}

	@Test
	void instantTaskFiresOnceAfterAForwardJumpPastIt() {
		RecordingTask task = task("instant");
		ScheduledFuture<?> future = this.harness.scheduler.schedule(task,
				this.harness.time.wallTime().plus(Duration.ofMinutes(10)));
		this.harness.jumpAndTick(HOUR);
		assertThat(task.scheduledRuns()).singleElement().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T10:10:30Z"));
			assertThat(run.reason()).isEqualTo(RunReason.MISFIRE);
		});
		assertThat(future.isDone()).isTrue();
		this.harness.time.jump(HOUR.negated());
		this.harness.advance(Duration.ofHours(2));
		assertThat(task.runs).hasSize(1);
		assertThat(this.harness.scheduler.wallTasks()).isEmpty();
	}

	@Test
	void instantTaskWaitsForItsWallTimeAfterABackwardJump() {
		RecordingTask task = task("instantBack");
		Instant at = this.harness.time.wallTime().plus(Duration.ofMinutes(10));
		this.harness.scheduler.schedule(task, at);
		this.harness.jumpAndTick(HOUR.negated());
		this.harness.advance(Duration.ofMinutes(69));
		assertThat(task.runs).isEmpty();
		this.harness.advance(Duration.ofMinutes(2));
		assertThat(task.scheduledRuns()).singleElement().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(at);
			assertThat(run.actualTime()).isEqualTo(at);
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
		});
	}

	@Test
	void fixedRateTaskIgnoresWallJumps() {
		RecordingTask task = task("fixedRate");
		this.harness.scheduler.scheduleAtFixedRate(task, Duration.ofSeconds(10));
		this.harness.advance(Duration.ofSeconds(30));
		assertThat(task.runs).hasSize(4);
		this.harness.time.jump(HOUR);
		this.harness.advance(Duration.ofSeconds(10));
		assertThat(task.runs).hasSize(5);
		this.harness.time.jump(Duration.ofHours(-2));
		this.harness.advance(Duration.ofSeconds(20));
		assertThat(task.runs).hasSize(7);
		assertThat(task.runs).allSatisfy((run) -> assertThat(run.run().reason()).isEqualTo(RunReason.ELAPSED));
		List<Long> gaps = new ArrayList<>();
		for (int i = 1; i < task.runs.size(); i++) {
			gaps.add(task.runs.get(i).startMono() - task.runs.get(i - 1).startMono());
		}
		assertThat(gaps).containsOnly(Duration.ofSeconds(10).toNanos());
	}

	@Test
	void runsOfOneTaskNeverOverlapAndALongRunSkipsTheOccurrencesItCovered() {
		RecordingTask task = task("slow");
		task.body = (run) -> this.harness.time.advance(Duration.ofSeconds(150));
		this.harness.scheduler.schedule(task, new CronTrigger("0 * * * * *"));
		this.harness.advance(Duration.ofMinutes(10));
		for (int i = 1; i < task.runs.size(); i++) {
			assertThat(task.runs.get(i).startMono()).isGreaterThanOrEqualTo(task.runs.get(i - 1).endMono());
			assertThat(task.runs.get(i).run().nominalTime()).isAfter(task.runs.get(i - 1).run().nominalTime());
		}
		// started 10:01, 10:04, 10:07, 10:10: each run covers the next two minutes
		assertThat(task.nominals()).containsExactly(Instant.parse("2026-01-05T10:01:00Z"),
				Instant.parse("2026-01-05T10:04:00Z"), Instant.parse("2026-01-05T10:07:00Z"),
				Instant.parse("2026-01-05T10:10:00Z"));
	}

	@Test
	void aDaylightSavingTransitionIsNotAJumpAndAnHourlyZonedCronStaysOnTime() {
		// Europe/Berlin springs forward at 2026-03-29T01:00Z (02:00 CET -> 03:00 CEST)
		this.harness = new SchedulerHarness(Instant.parse("2026-03-28T23:30:00Z"));
		List<Object> events = new ArrayList<>();
		ClockJumpDetector detector = new ClockJumpDetector(this.harness.time, Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofSeconds(2), events::add, this.harness.executor);
		detector.start();
		RecordingTask hourly = task("hourlyBerlin");
		this.harness.scheduler.schedule(hourly, new CronTrigger("0 0 * * * *", ZoneId.of("Europe/Berlin")));
		this.harness.advance(Duration.ofHours(3));
		detector.stop();
		assertThat(events).isEmpty();
		assertThat(detector.currentSkew()).isZero();
		assertThat(hourly.nominals()).containsExactly(Instant.parse("2026-03-29T00:00:00Z"),
				Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T02:00:00Z"));
		assertThat(hourly.scheduledRuns()).allSatisfy((run) -> assertThat(run.reason()).isEqualTo(RunReason.ON_TIME));
		assertThat(this.harness.misfires).isEmpty();
	}

	@Test
	void fixedExecutionCronRunsEveryOccurrenceThatALongRunMadeLateWithinGrace() {
		RecordingTask task = task("fixedExecution");
		task.body = (run) -> this.harness.time.advance(Duration.ofSeconds(90));
		this.harness.scheduler.schedule(task, CronTrigger.forFixedExecution("0 * * * * *"),
				WallTaskPolicy.DEFAULT.withGrace(Duration.ofMinutes(10)));
		this.harness.advance(Duration.ofMinutes(10));
		// started 10:01:00, 10:02:30, 10:04:00, ...: each run for its own minute, none
		// folded
		assertThat(task.nominals()).containsExactly(Instant.parse("2026-01-05T10:01:00Z"),
				Instant.parse("2026-01-05T10:02:00Z"), Instant.parse("2026-01-05T10:03:00Z"),
				Instant.parse("2026-01-05T10:04:00Z"), Instant.parse("2026-01-05T10:05:00Z"),
				Instant.parse("2026-01-05T10:06:00Z"), Instant.parse("2026-01-05T10:07:00Z"));
		assertThat(task.scheduledRuns()).allSatisfy((run) -> assertThat(run.missedCount()).isZero());
		assertThat(task.scheduledRuns().subList(1, 7))
			.allSatisfy((run) -> assertThat(run.reason()).isEqualTo(RunReason.LATE));
		for (int i = 1; i < task.runs.size(); i++) {
			assertThat(task.runs.get(i).startMono()).isGreaterThanOrEqualTo(task.runs.get(i - 1).endMono());
		}
		assertThat(this.harness.misfires).isEmpty();
	}

	@Test
	void fixedExecutionCronAfterForwardJumpRunsOnceForTheOccurrencesBeyondGraceThenEachOneWithin() {
		RecordingTask task = task("fixedExecutionJump");
		this.harness.scheduler.schedule(task, CronTrigger.forFixedExecution("0 * * * * *"));
		this.harness.advance(Duration.ofSeconds(40));
		// 10:01:10 -> 11:01:10, woken at 11:01:11: 10:02 .. 11:00 are more than 60 s
		// late, 11:01 is not
		this.harness.jumpAndTick(HOUR);
		assertThat(task.scheduledRuns()).hasSize(3);
		assertThat(task.scheduledRuns().get(1)).satisfies((run) -> {
			assertThat(run.reason()).isEqualTo(RunReason.MISFIRE);
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:00:00Z"));
			assertThat(run.missedCount()).isEqualTo(58);
		});
		assertThat(task.scheduledRuns().get(2)).satisfies((run) -> {
			assertThat(run.reason()).isEqualTo(RunReason.LATE);
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:01:00Z"));
		});
		assertThat(this.harness.misfires).singleElement()
			.satisfies((misfire) -> assertThat(misfire.missed()).isEqualTo(59));
		this.harness.advance(Duration.ofSeconds(50));
		assertThat(task.scheduledRuns()).hasSize(4).last().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:02:00Z"));
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
		});
	}

	@Test
	void fixedExecutionCronAfterForwardJumpWithSkipRunsOnlyTheOccurrencesWithinGrace() {
		RecordingTask task = task("fixedExecutionSkip");
		this.harness.scheduler.schedule(task, CronTrigger.forFixedExecution("0 * * * * *"),
				WallTaskPolicy.DEFAULT.withMisfirePolicy(MisfirePolicy.SKIP));
		this.harness.advance(Duration.ofSeconds(40));
		this.harness.jumpAndTick(HOUR);
		assertThat(task.nominals()).containsExactly(Instant.parse("2026-01-05T10:01:00Z"),
				Instant.parse("2026-01-05T11:01:00Z"));
		assertThat(this.harness.misfires).singleElement().satisfies((misfire) -> {
			assertThat(misfire.policy()).isEqualTo(MisfirePolicy.SKIP);
			assertThat(misfire.missed()).isEqualTo(59);
		});
	}

	@Test
	void cronWithinGraceRunsItsFirstDueOccurrenceAndContinuesAfterTheCompletionAsSpringDoes() {
		RecordingTask task = task("everyFiveSeconds");
		this.harness.scheduler.schedule(task, new CronTrigger("*/5 * * * * *"));
		this.harness.advance(Duration.ofSeconds(2));
		// 10:00:32 -> 10:01:12: 10:00:35 .. 10:01:10 are due, the first 37 s late
		this.harness.jumpAndTick(Duration.ofSeconds(40));
		assertThat(task.scheduledRuns()).singleElement().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T10:00:35Z"));
			assertThat(run.reason()).isEqualTo(RunReason.LATE);
		});
		this.harness.advance(Duration.ofSeconds(5));
		assertThat(task.nominals()).last().isEqualTo(Instant.parse("2026-01-05T10:01:15Z"));
		assertThat(this.harness.misfires).isEmpty();
	}

	@Test
	void aTriggerOfTheUsersOwnIsAskedOnceWhenScheduledAndOncePerOccurrenceEvenAcrossJumps() {
		RecordingTrigger trigger = new RecordingTrigger(new CronTrigger("0 * * * * *"));
		RecordingTask task = task("usersTrigger");
		this.harness.scheduler.schedule(task, trigger);
		this.harness.advance(Duration.ofSeconds(40));
		this.harness.jumpAndTick(HOUR);
		// it cannot be asked ahead: one run for the due occurrence, counted as one
		assertThat(task.scheduledRuns()).hasSize(2).last().satisfies((run) -> {
			assertThat(run.reason()).isEqualTo(RunReason.MISFIRE);
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T10:02:00Z"));
		});
		assertThat(this.harness.misfires).singleElement().satisfies((misfire) -> assertThat(misfire.missed()).isOne());
		this.harness.advance(Duration.ofMinutes(2));
		assertThat(task.nominals()).last().isEqualTo(Instant.parse("2026-01-05T11:03:00Z"));
		// back by 30 min: it holds (where to resume would need a look-ahead) until 11:04
		// comes round
		this.harness.jumpAndTick(Duration.ofMinutes(-30));
		this.harness.advance(Duration.ofMinutes(29));
		assertThat(task.nominals()).last().isEqualTo(Instant.parse("2026-01-05T11:03:00Z"));
		this.harness.advance(Duration.ofMinutes(2));
		assertThat(task.scheduledRuns()).last().satisfies((run) -> {
			assertThat(run.nominalTime()).isEqualTo(Instant.parse("2026-01-05T11:04:00Z"));
			assertThat(run.reason()).isEqualTo(RunReason.ON_TIME);
		});
		assertThat(trigger.calls).hasSize(1 + task.runs.size());
		// each call after the first tells an occurrence that ran, in order: nothing made
		// up
		assertThat(trigger.calls.get(0).lastScheduledExecution()).isNull();
		assertThat(trigger.calls.stream().skip(1).map(SimpleTriggerContext::lastScheduledExecution).toList())
			.isEqualTo(task.nominals());
	}

	@Test
	void detectorReportsTheJumpWithinOneTick() {
		List<Object> events = new ArrayList<>();
		ClockJumpDetector detector = new ClockJumpDetector(this.harness.time, Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofSeconds(2), events::add, this.harness.executor);
		detector.start();
		this.harness.advance(Duration.ofSeconds(5));
		this.harness.time.jump(Duration.ofSeconds(3602));
		this.harness.advance(Duration.ofSeconds(1));
		detector.stop();
		assertThat(events).singleElement()
			.hasToString("Wall clock jumped forward by 3602.0 s (from 2026-01-05T10:00:35Z to 2026-01-05T11:00:38Z)");
	}

	@Test
	void wallTasksShowTheirNextNominalTime() {
		RecordingTask task = task("listed");
		ScheduledFuture<?> future = this.harness.scheduler.schedule(task, new CronTrigger("0 */15 * * * *"));
		assertThat(nextNominal("listed")).isEqualTo(Instant.parse("2026-01-05T10:15:00Z"));
		future.cancel(false);
		assertThat(this.harness.scheduler.wallTasks()).isEmpty();
		this.harness.advance(HOUR);
		assertThat(task.runs).isEmpty();
	}

	/** A trigger of the user's: it delegates, and records what it was told. */
	private static final class RecordingTrigger implements Trigger {

		private final Trigger delegate;

		final List<SimpleTriggerContext> calls = new ArrayList<>();

		RecordingTrigger(Trigger delegate) {
			this.delegate = delegate;
		}

		@Override
		public @Nullable Instant nextExecution(TriggerContext context) {
			SimpleTriggerContext copy = new SimpleTriggerContext(context.lastScheduledExecution(),
					context.lastActualExecution(), context.lastCompletion());
			this.calls.add(copy);
			return this.delegate.nextExecution(context);
		}

	}

	private Instant nextNominal(String name) {
		return this.harness.scheduler.wallTasks()
			.stream()
			.filter((info) -> info.task().equals(name))
			.map(WallTaskInfo::nextNominalTime)
			.findFirst()
			.orElseThrow();
	}

}
