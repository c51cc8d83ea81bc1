package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Unit tests of {@link ClockJumpDetector} with a hand-stepped time source.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClockJumpDetectorTests {

	private final SteppedTime time = new SteppedTime(Instant.parse("2026-01-05T10:00:00Z"));

	private final List<Object> events = new ArrayList<>();

	private final ClockJumpDetector detector = new ClockJumpDetector(this.time, Duration.ofSeconds(1),
			Duration.ofSeconds(1), Duration.ofSeconds(2), this.events::add);

	@Test
	void steadyClocksReportNothing() {
		for (int i = 0; i < 100; i++) {
			this.detector.check();
			this.time.pass(Duration.ofSeconds(1));
		}
		assertThat(this.events).isEmpty();
		assertThat(this.detector.currentSkew()).isZero();
	}

	@Test
	void forwardJumpIsReportedWithItsMagnitudeAndLogged(CapturedOutput output) {
		this.detector.check();
		this.time.pass(Duration.ofSeconds(1));
		this.detector.check();
		this.time.step(Duration.ofMillis(3_602_000));
		this.time.pass(Duration.ofSeconds(1));
		this.detector.check();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(ClockJumpEvent.class, (jump) -> {
			assertThat(jump.getDirection()).isEqualTo(JumpDirection.FORWARD);
			assertThat(jump.getMagnitude()).isEqualTo(Duration.ofSeconds(3602));
			assertThat(jump.getWallBefore()).isEqualTo(Instant.parse("2026-01-05T10:00:01Z"));
			assertThat(jump.getWallAfter()).isEqualTo(Instant.parse("2026-01-05T11:00:04Z"));
		});
		assertThat(output).contains("WARN").contains("Wall clock jumped forward by 3602.0 s");
		assertThat(this.detector.currentSkew()).isEqualTo(Duration.ofSeconds(3602));
		assertThat(this.detector.recentEvents()).hasSize(1);
	}

	@Test
	void backwardJumpIsReported(CapturedOutput output) {
		this.detector.check();
		this.time.step(Duration.ofMinutes(-30));
		this.time.pass(Duration.ofSeconds(1));
		this.detector.check();
		assertThat(this.events).singleElement()
			.isInstanceOfSatisfying(ClockJumpEvent.class,
					(jump) -> assertThat(jump.getSignedMagnitude()).isEqualTo(Duration.ofMinutes(-30)));
		assertThat(output).contains("Wall clock jumped backward by 1800.0 s");
	}

	@Test
	void stepsBelowTheThresholdAreNotJumpsButAddUpInTheSkew() {
		this.detector.check();
		for (int i = 0; i < 5; i++) {
			this.time.step(Duration.ofMillis(900));
			this.time.pass(Duration.ofSeconds(1));
			this.detector.check();
		}
		assertThat(this.events).isEmpty();
		assertThat(this.detector.currentSkew()).isEqualTo(Duration.ofMillis(4500));
	}

	@Test
	void longGapBetweenChecksIsAStallNotAJump(CapturedOutput output) {
		this.detector.check();
		this.time.pass(Duration.ofSeconds(7));
		this.detector.check();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(ProcessStallEvent.class, (stall) -> {
			assertThat(stall.getStall()).isEqualTo(Duration.ofSeconds(6));
			assertThat(stall.getGap()).isEqualTo(Duration.ofSeconds(7));
		});
		assertThat(output).contains("Process stalled for 6.0 s");
	}

	@Test
	void gapWithinTheStallThresholdIsNotAStall() {
		this.detector.check();
		this.time.pass(Duration.ofSeconds(3));
		this.detector.check();
		assertThat(this.events).isEmpty();
	}

	@Test
	void recentEventsAreBounded() {
		this.detector.check();
		for (int i = 0; i < ClockJumpDetector.RECENT_LIMIT + 10; i++) {
			this.time.step(Duration.ofSeconds(5));
			this.time.pass(Duration.ofSeconds(1));
			this.detector.check();
		}
		assertThat(this.detector.recentEvents()).hasSize(ClockJumpDetector.RECENT_LIMIT);
	}

	@Test
	void startsAndStopsItsOwnThread() {
		ClockJumpDetector detector = new ClockJumpDetector(TimeSource.system(), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofSeconds(2), this.events::add);
		detector.start();
		assertThat(detector.isRunning()).isTrue();
		detector.stop();
		assertThat(detector.isRunning()).isFalse();
	}

	@Test
	void rejectsNonPositiveInterval() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClockJumpDetector(this.time, Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO,
					this.events::add))
			.withMessageContaining("checkInterval");
	}

	/** A time source stepped by hand. */
	static final class SteppedTime implements TimeSource {

		private Instant wall;

		private long mono = 42;

		SteppedTime(Instant wall) {
			this.wall = wall;
		}

		void pass(Duration duration) {
			this.wall = this.wall.plus(duration);
			this.mono += duration.toNanos();
		}

		void step(Duration duration) {
			this.wall = this.wall.plus(duration);
		}

		@Override
		public Instant wallTime() {
			return this.wall;
		}

		@Override
		public long monotonicNanos() {
			return this.mono;
		}

	}

}
