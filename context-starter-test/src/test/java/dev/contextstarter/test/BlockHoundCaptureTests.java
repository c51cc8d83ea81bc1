package dev.contextstarter.test;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.watchdog.BlockingCall;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * Blocking calls caught by BlockHound through the watchdog: a short sleep on a parallel
 * worker is reported with its request, the chain goes on, and
 * {@code @CaptureStalls(failOnBlockingCall)} fails the test that made it. Runs in a JVM
 * of its own with {@code -XX:+AllowRedefinitionToAddDeleteMethods} (see the module's
 * pom): BlockHound stays installed for good.
 */
@Tag("blockhound")
class BlockHoundCaptureTests {

	@Test
	void aShortSleepInPublishOnParallelIsReportedWithTheRequestAndTheChainCompletes() {
		try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100)).reportBlockingCalls()) {
			String result = Mono.just("order-1").publishOn(Schedulers.parallel()).map((order) -> {
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("bh-1").withField("tenant", "acme"))) {
					return lookUp(order);
				}
			}).block(Duration.ofSeconds(5));
			assertThat(result).isEqualTo("found order-1");
			BlockingCall call = capture.awaitBlockingCall(Duration.ofSeconds(5), (c) -> "bh-1".equals(c.requestId()));
			assertThat(call.method()).isEqualTo("java.lang.Thread.sleep");
			assertThat(call.requestContext().field("tenant")).isEqualTo("acme");
			assertThat(call.pool()).isEqualTo("parallel");
			assertThat(call.stack().get(0).getMethodName()).isEqualTo("sleep");
			assertThat(call.hasFrame(BlockHoundCaptureTests.class.getName(), "lookUp")).isTrue();
			assertThat(call.topApplicationFrame().getMethodName()).isEqualTo("lookUp");
			assertThat(capture.watchdog().totals().blockingCalls()).isEqualTo(capture.blockingCalls().size());
			assertThat(capture.watchdog().recentBlockingCalls()).contains(call);
			// 5 ms is far below the stall threshold: only BlockHound sees it.
			capture.assertNoStalls();
			assertThatExceptionOfType(AssertionError.class).isThrownBy(capture::assertNoBlockingCalls)
				.withMessageContaining("java.lang.Thread.sleep")
				.withMessageContaining("bh-1")
				.withMessageContaining("lookUp");
		}
	}

	@Test
	void blockingCallsOnThreadsAllowedToBlockAreNotReported() {
		try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100)).reportBlockingCalls()) {
			Mono.fromCallable(() -> lookUp("order-2"))
				.subscribeOn(Schedulers.boundedElastic())
				.publishOn(Schedulers.parallel())
				.map(String::length)
				.block(Duration.ofSeconds(5));
			capture.close();
			assertThat(capture.blockingCalls()).isEmpty();
		}
	}

	@Test
	void aClosedCaptureNoLongerReceivesCalls() {
		StallCapture capture = StallCapture.standalone(Duration.ofMillis(100)).reportBlockingCalls();
		capture.close();
		Mono.just("order-3")
			.publishOn(Schedulers.parallel())
			.map(BlockHoundCaptureTests::lookUp)
			.block(Duration.ofSeconds(5));
		assertThat(capture.blockingCalls()).isEmpty();
	}

	@Test
	void closingACaptureOfARunningWatchdogLeavesThatWatchdogReporting() {
		Watchdog application = new Watchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ZERO));
		application.start();
		try {
			application.reportBlockingCalls();
			StallCapture.of(application).close();
			Mono.just("order-4")
				.publishOn(Schedulers.parallel())
				.map(BlockHoundCaptureTests::lookUp)
				.block(Duration.ofSeconds(5));
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> application.recentBlockingCalls()
					.stream()
					.anyMatch((call) -> call.hasFrame(BlockHoundCaptureTests.class.getName(), "lookUp")));
		}
		finally {
			application.close();
		}
	}

	@Test
	void failOnBlockingCallFailsTheTestThatBlocksAndOnlyThatOne() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SampleBlockingTests.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(1).failed(1))
			.assertThatEvents()
			.haveExactly(1,
					event(test("blocksForFiveMillis"),
							finishedWithFailure(message((text) -> text.contains("java.lang.Thread.sleep")
									&& text.contains("sample-1") && text.contains("lookUp")))));
	}

	static String lookUp(String order) {
		try {
			Thread.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "found " + order;
	}

	@CaptureStalls(failOnBlockingCall = true)
	static class SampleBlockingTests {

		@Test
		void blocksForFiveMillis() {
			Mono.just("order").publishOn(Schedulers.parallel()).map((order) -> {
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("sample-1"))) {
					return lookUp(order);
				}
			}).block(Duration.ofSeconds(5));
		}

		@Test
		void doesNotBlock() {
			Mono.just(1).publishOn(Schedulers.parallel()).map((value) -> value + 1).block(Duration.ofSeconds(5));
		}

	}

}
