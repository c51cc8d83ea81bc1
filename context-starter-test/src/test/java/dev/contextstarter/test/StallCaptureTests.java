package dev.contextstarter.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.watchdog.StallCause;
import dev.contextstarter.watchdog.StallReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Tests for {@link StallCapture} and {@link CaptureStalls}.
 */
class StallCaptureTests {

	@Test
	void capturesAStalledPublishOnParallelStep() {
		try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100))) {
			Mono.just(1).publishOn(Schedulers.parallel()).doOnNext((value) -> {
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("kit-1"))) {
					slowStep(600);
				}
			}).subscribe();
			StallReport report = capture.awaitStall(Duration.ofSeconds(5));
			assertThat(report.requestId()).isEqualTo("kit-1");
			assertThat(report.cause()).isEqualTo(StallCause.BLOCKED);
			assertThat(report.hasFrame(StallCaptureTests.class.getName(), "slowStep")).isTrue();
			assertThat(capture.awaitRecovery(report, Duration.ofSeconds(5)).total())
				.isGreaterThanOrEqualTo(Duration.ofMillis(600));
			assertThatExceptionOfType(AssertionError.class).isThrownBy(capture::assertNoStalls)
				.withMessageContaining("kit-1");
		}
	}

	@Test
	void quickStepsDoNotStall() {
		try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100))) {
			Integer sum = Mono.just(1)
				.publishOn(Schedulers.parallel())
				.map((value) -> value + 1)
				.publishOn(Schedulers.single())
				.map((value) -> value + 1)
				.block(Duration.ofSeconds(5));
			assertThat(sum).isEqualTo(3);
			capture.assertNoStalls();
		}
	}

	@Test
	void awaitingAStallThatNeverComesFails() {
		try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100))) {
			assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> capture.awaitStall(Duration.ofMillis(300)))
				.withMessageContaining("none");
		}
	}

	@Test
	void closingRemovesTheCapturesHook() {
		StallCapture capture = StallCapture.standalone(Duration.ofMillis(100));
		capture.close();
		assertThat(capture.watchdog().isRunning()).isFalse();
		Mono.fromRunnable(() -> slowStep(300)).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5));
		assertThat(capture.stalls()).isEmpty();
	}

	@Test
	void annotatedTestThatStallsFailsAndOneThatDoesNotPasses() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SampleStallingTests.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(1).failed(1));
	}

	@Test
	void extensionHandsTheCaptureToTheTest() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SampleCapturingTests.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	static void slowStep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@CaptureStalls(thresholdMillis = 100, failOnStall = true)
	static class SampleStallingTests {

		@Test
		void stalls() {
			Mono.fromRunnable(() -> slowStep(500)).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(5));
		}

		@Test
		void doesNotStall() {
			Mono.just(1).publishOn(Schedulers.parallel()).block(Duration.ofSeconds(5));
		}

	}

	@CaptureStalls(thresholdMillis = 100)
	static class SampleCapturingTests {

		@Test
		void receivesCapture(StallCapture capture) {
			Mono.fromRunnable(() -> slowStep(400)).subscribeOn(Schedulers.single()).subscribe();
			assertThat(capture.awaitStall(Duration.ofSeconds(5)).pool()).isEqualTo("single");
		}

	}

}
