package dev.contextstarter.it.clock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import dev.contextstarter.clock.BackwardPolicy;
import dev.contextstarter.clock.MisfirePolicy;
import dev.contextstarter.clock.RunReason;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.WallTaskPolicy;
import dev.contextstarter.it.clock.SchedulerHarness.RecordingTask;
import dev.contextstarter.it.clock.SchedulerHarness.Run;

import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of elapsed time and wall-clock steps against one cron task: the
 * scheduler's invariants hold whatever the sequence.
 */
class ClockJumpAwareTaskSchedulerProperties {

	private static final Map<String, Duration> PERIODS = Map.of("*/5 * * * * *", Duration.ofSeconds(5), "0 * * * * *",
			Duration.ofMinutes(1), "0 */15 * * * *", Duration.ofMinutes(15), "0 0 * * * *", Duration.ofHours(1));

	sealed interface Step permits Advance, Jump {

	}

	/** Time passes: both clocks move. */
	record Advance(long millis) implements Step {
	}

	/** The wall clock is stepped; the monotonic clock does not move. */
	record Jump(long millis) implements Step {
	}

	@Property(tries = 200)
	void schedulerInvariantsHold(@ForAll("crons") String cron, @ForAll boolean fixedExecution,
			@ForAll MisfirePolicy misfire, @ForAll BackwardPolicy backward, @ForAll("graces") Duration grace,
			@ForAll("runTimes") Duration runTime, @ForAll("steps") List<Step> steps) {
		SchedulerHarness harness = new SchedulerHarness(Instant.parse("2026-01-05T10:00:30Z"));
		try {
			RecordingTask task = new RecordingTask("property", harness.time);
			task.body = (run) -> harness.time.advance(runTime);
			// a fixed-execution cron asks for every missed occurrence, a plain one
			// continues after completion
			CronTrigger trigger = fixedExecution ? CronTrigger.forFixedExecution(cron) : new CronTrigger(cron);
			harness.scheduler.schedule(task, trigger, new WallTaskPolicy(grace, misfire, backward));
			Instant latestWall = harness.time.wallTime();
			for (Step step : steps) {
				if (step instanceof Advance advance) {
					harness.advance(Duration.ofMillis(advance.millis()));
				}
				else if (step instanceof Jump jump) {
					harness.time.jump(Duration.ofMillis(jump.millis()));
				}
				latestWall = later(latestWall, harness.time.wallTime());
			}
			// liveness: once the wall clock is past everything it has shown, the task
			// runs again
			int runsBefore = task.runs.size();
			Duration behind = Duration.between(harness.time.wallTime(), latestWall);
			Duration period = PERIODS.get(cron);
			harness.advance((behind.isNegative() ? Duration.ZERO : behind).plus(period.multipliedBy(2))
				.plus(runTime)
				.plusSeconds(2));
			assertThat(task.runs.size()).as("runs after the clock passed its high-water mark")
				.isGreaterThan(runsBefore);

			assertThat(task.overlapped).as("overlapping runs").isFalse();
			CronExpression expression = CronExpression.parse(cron);
			Instant highWater = null;
			Run previous = null;
			for (Run run : task.runs) {
				ScheduledRun scheduled = run.run();
				Instant nominal = scheduled.nominalTime();
				// a real occurrence of the cron expression
				assertThat(expression.next(ZonedDateTime.ofInstant(nominal.minusSeconds(1), ZoneOffset.UTC)))
					.isEqualTo(ZonedDateTime.ofInstant(nominal, ZoneOffset.UTC));
				// never before its nominal wall time
				assertThat(scheduled.actualTime()).as("actual time of %s", scheduled).isAfterOrEqualTo(nominal);
				// no overlap
				if (previous != null) {
					assertThat(run.startMono()).isGreaterThanOrEqualTo(previous.endMono());
				}
				// the policies
				switch (scheduled.reason()) {
					case ON_TIME -> assertThat(scheduled.lateness()).isLessThanOrEqualTo(Duration.ofSeconds(1));
					case LATE -> assertThat(scheduled.lateness()).isLessThanOrEqualTo(grace);
					case MISFIRE -> assertThat(misfire).isEqualTo(MisfirePolicy.FIRE_ONCE);
					case RERUN -> {
						assertThat(backward).as("rerun of %s", scheduled).isNotEqualTo(BackwardPolicy.HOLD);
						// only after a step back (the scheduler's mark also counts
						// skipped occurrences)
						assertThat(steps).as("steps before a rerun")
							.anySatisfy((step) -> assertThat(step).isInstanceOfSatisfying(Jump.class,
									(jump) -> assertThat(jump.millis()).isNegative()));
					}
					case ELAPSED -> throw new AssertionError("A cron task ran as elapsed: " + scheduled);
				}
				if (scheduled.reason() != RunReason.RERUN && highWater != null) {
					// no nominal instant twice and never below the high-water mark
					assertThat(nominal).as("nominal of %s", scheduled).isAfter(highWater);
				}
				highWater = later(highWater, nominal);
				previous = run;
			}
			if (misfire == MisfirePolicy.SKIP) {
				assertThat(harness.misfires).allSatisfy((m) -> assertThat(m.policy()).isEqualTo(MisfirePolicy.SKIP));
			}
			if (backward == BackwardPolicy.HOLD) {
				assertThat(task.nominals()).doesNotHaveDuplicates().isSorted();
			}
		}
		finally {
			harness.scheduler.destroy();
		}
	}

	private static Instant later(Instant a, Instant b) {
		return (a == null || b.isAfter(a)) ? b : a;
	}

	@Provide
	Arbitrary<String> crons() {
		return Arbitraries.of(PERIODS.keySet());
	}

	@Provide
	Arbitrary<Duration> graces() {
		return Arbitraries.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10));
	}

	@Provide
	Arbitrary<Duration> runTimes() {
		return Arbitraries.of(Duration.ZERO, Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(90));
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Step> advance = Arbitraries.longs().between(0, 300_000).map(Advance::new);
		Arbitrary<Step> smallJump = Arbitraries.longs().between(-2_000, 2_000).map(Jump::new);
		Arbitrary<Step> bigJump = Arbitraries.longs().between(-7_200_000, 7_200_000).map(Jump::new);
		return Arbitraries
			.frequencyOf(net.jqwik.api.Tuple.of(6, advance), net.jqwik.api.Tuple.of(2, smallJump),
					net.jqwik.api.Tuple.of(2, bigJump))
			.list()
			.ofMinSize(1)
			.ofMaxSize(20);
	}

}
