package dev.contextstarter.requestid;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdContextHolderTests {

	@AfterEach
	void reset() {
		RequestIdContextHolder.resetMdcMapping();
		MDC.clear();
	}

	@Test
	void scopeRestoresThePreviousContextNotJustClears() {
		try (var outer = RequestIdContextHolder.open(RequestIdContext.of("outer"))) {
			assertThat(MDC.get("requestId")).isEqualTo("outer");
			try (var inner = RequestIdContextHolder.open(RequestIdContext.of("inner"))) {
				assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("inner");
				assertThat(MDC.get("requestId")).isEqualTo("inner");
			}
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("outer");
			assertThat(MDC.get("requestId")).isEqualTo("outer");
		}
		assertThat(RequestIdContextHolder.current()).isNull();
		assertThat(MDC.get("requestId")).isNull();
	}

	@Test
	void closingTwiceRestoresOnce() {
		try (var outer = RequestIdContextHolder.open(RequestIdContext.of("outer"))) {
			var inner = RequestIdContextHolder.open(RequestIdContext.of("inner"));
			inner.close();
			inner.close();
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("outer");
		}
	}

	@Test
	void mdcIsNotWrittenWhenTheValueDoesNotChange() {
		try (var outer = RequestIdContextHolder.open(RequestIdContext.of("same"))) {
			// Mark the MDC: a write by the holder would overwrite the marker.
			MDC.put("requestId", "marker");
			try (var again = RequestIdContextHolder.open(RequestIdContext.of("same"))) {
				assertThat(MDC.get("requestId")).isEqualTo("marker");
			}
			assertThat(MDC.get("requestId")).isEqualTo("marker");
		}
	}

	@Test
	void fieldsFollowTheMdcMapping() {
		RequestIdContextHolder.setMdcMapping(new MdcMapping("rid", Map.of("tenant", "tenantId")));
		RequestIdContext context = RequestIdContext.of("with-fields").withField("tenant", "acme");
		try (var scope = RequestIdContextHolder.open(context)) {
			assertThat(MDC.get("rid")).isEqualTo("with-fields");
			assertThat(MDC.get("tenantId")).isEqualTo("acme");
			try (var noTenant = RequestIdContextHolder.open(RequestIdContext.of("without"))) {
				assertThat(MDC.get("tenantId")).isNull();
			}
			assertThat(MDC.get("tenantId")).isEqualTo("acme");
		}
		assertThat(MDC.get("rid")).isNull();
		assertThat(MDC.get("tenantId")).isNull();
	}

	@Test
	void anotherThreadsContextCanBeRead() throws Exception {
		CountDownLatch opened = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread worker = new Thread(() -> {
			try (var scope = RequestIdContextHolder.open(RequestIdContext.of("on-worker"))) {
				opened.countDown();
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "holder-test-worker");
		worker.start();
		try {
			assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(RequestIdContextHolder.currentOf(worker)).isEqualTo(RequestIdContext.of("on-worker"));
			assertThat(RequestIdContextHolder.threadsHoldingContext()).containsEntry(worker,
					RequestIdContext.of("on-worker"));
		}
		finally {
			release.countDown();
			worker.join(10_000);
		}
		assertThat(RequestIdContextHolder.currentOf(worker)).isNull();
		assertThat(RequestIdContextHolder.threadsHoldingContext()).doesNotContainKey(worker);
	}

}
