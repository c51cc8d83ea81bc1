package dev.contextstarter.test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.slf4j.MDC;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

class RequestContextLeakCheckTests {

	static volatile CountDownLatch releaseLeakingThread = new CountDownLatch(0);

	@AfterEach
	void release() {
		releaseLeakingThread.countDown();
	}

	@Test
	void aContextLeftOnAnotherThreadFailsTheTestNamingThreadAndId() {
		releaseLeakingThread = new CountDownLatch(1);
		System.setProperty("context.test.leak-check.settle-millis", "50");
		try {
			EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(LeakingOnAnotherThread.class))
				.execute()
				.testEvents()
				.assertThatEvents()
				.haveExactly(1, event(test("leaks"),
						finishedWithFailure(message((text) -> text.contains("'leaking-worker' holds leaked-1")))));
		}
		finally {
			System.clearProperty("context.test.leak-check.settle-millis");
		}
	}

	@Test
	void anMdcKeyLeftOnTheTestThreadFailsTheTest() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(LeakingMdcOnTestThread.class))
			.execute()
			.testEvents()
			.assertThatEvents()
			.haveExactly(1, event(test("leaksMdc"),
					finishedWithFailure(message((text) -> text.contains("MDC key 'requestId' still set to mdc-1")))));
		MDC.clear();
	}

	@Test
	void aCleanTestAndAnAnnotatedTestPass() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(Clean.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2).failed(0));
	}

	@ExtendWith(RequestContextLeakCheck.class)
	static class LeakingOnAnotherThread {

		@Test
		void leaks() throws InterruptedException {
			CountDownLatch opened = new CountDownLatch(1);
			Thread worker = new Thread(() -> {
				RequestIdContextHolder.open(RequestIdContext.of("leaked-1"));
				opened.countDown();
				try {
					releaseLeakingThread.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "leaking-worker");
			worker.setDaemon(true);
			worker.start();
			opened.await(10, TimeUnit.SECONDS);
		}

	}

	@ExtendWith(RequestContextLeakCheck.class)
	static class LeakingMdcOnTestThread {

		@Test
		void leaksMdc() {
			MDC.put("requestId", "mdc-1");
		}

	}

	@ExtendWith(RequestContextLeakCheck.class)
	static class Clean {

		@Test
		void closesItsScope() {
			try (var scope = RequestIdContextHolder.open(RequestIdContext.of("closed-1"))) {
				assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("closed-1");
			}
		}

		@Test
		@WithRequestContext(requestId = "annotated-1")
		void annotatedContextIsExpected() {
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("annotated-1");
		}

	}

}
