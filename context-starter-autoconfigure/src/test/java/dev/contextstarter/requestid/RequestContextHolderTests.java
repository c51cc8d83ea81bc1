package dev.contextstarter.requestid;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

class RequestContextHolderTests {

	@AfterEach
	void reset() {
		RequestContextHolder.resetMdcMapping();
		MDC.clear();
	}

	@Test
	void scopeRestoresThePreviousContextNotJustClears() {
		try (var outer = RequestContextHolder.open(RequestContext.of("outer"))) {
			assertThat(MDC.get("requestId")).isEqualTo("outer");
			try (var inner = RequestContextHolder.open(RequestContext.of("inner"))) {
				assertThat(RequestContextHolder.currentRequestId()).isEqualTo("inner");
				assertThat(MDC.get("requestId")).isEqualTo("inner");
			}
			assertThat(RequestContextHolder.currentRequestId()).isEqualTo("outer");
			assertThat(MDC.get("requestId")).isEqualTo("outer");
		}
		assertThat(RequestContextHolder.current()).isNull();
		assertThat(MDC.get("requestId")).isNull();
	}

	@Test
	void closingTwiceRestoresOnce() {
		try (var outer = RequestContextHolder.open(RequestContext.of("outer"))) {
			var inner = RequestContextHolder.open(RequestContext.of("inner"));
			inner.close();
			inner.close();
			assertThat(RequestContextHolder.currentRequestId()).isEqualTo("outer");
		}
	}

	@Test
	void mdcIsNotWrittenWhenTheValueDoesNotChange() {
		try (var outer = RequestContextHolder.open(RequestContext.of("same"))) {
			// Mark the MDC: a write by the holder would overwrite the marker.
			MDC.put("requestId", "marker");
			try (var again = RequestContextHolder.open(RequestContext.of("same"))) {
				assertThat(MDC.get("requestId")).isEqualTo("marker");
			}
			assertThat(MDC.get("requestId")).isEqualTo("marker");
		}
	}

	@Test
	void fieldsFollowTheMdcMapping() {
		RequestContextHolder.setMdcMapping(new MdcMapping("rid", Map.of("tenant", "tenantId")));
		RequestContext context = RequestContext.of("with-fields").withField("tenant", "acme");
		try (var scope = RequestContextHolder.open(context)) {
			assertThat(MDC.get("rid")).isEqualTo("with-fields");
			assertThat(MDC.get("tenantId")).isEqualTo("acme");
			try (var noTenant = RequestContextHolder.open(RequestContext.of("without"))) {
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
			try (var scope = RequestContextHolder.open(RequestContext.of("on-worker"))) {
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
			assertThat(RequestContextHolder.currentOf(worker)).isEqualTo(RequestContext.of("on-worker"));
			assertThat(RequestContextHolder.threadsHoldingContext()).containsEntry(worker, RequestContext.of("on-worker"));
		}
		finally {
			release.countDown();
			worker.join(10_000);
		}
		assertThat(RequestContextHolder.currentOf(worker)).isNull();
		assertThat(RequestContextHolder.threadsHoldingContext()).doesNotContainKey(worker);
	}

}
