package dev.contextstarter.test;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.slf4j.MDC;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class WithRequestContextTests {

	@AfterEach
	void reset() {
		ContextStarterGlobalState.reset();
	}

	@Test
	@WithRequestContext(requestId = "t-1", fields = { "tenant=acme", "region = eu" })
	void opensTheContextInHolderAndMdc() {
		assertThat(RequestIdContextHolder.current())
			.isEqualTo(new RequestIdContext("t-1", Map.of("tenant", "acme", "region", "eu")));
		assertThat(MDC.get("requestId")).isEqualTo("t-1");
	}

	@Test
	void restoresThePreviousContextAfterTheTestAndMethodWinsOverClass() {
		RequestIdContextHolder.setMdcMapping(new MdcMapping("requestId", Map.of("tenant", "tenantId")));
		try (var outer = RequestIdContextHolder.open(RequestIdContext.of("outer"))) {
			EngineTestKit.engine("junit-jupiter")
				.selectors(selectClass(Annotated.class))
				.execute()
				.testEvents()
				.assertStatistics((stats) -> stats.started(2).succeeded(2));
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("outer");
			assertThat(MDC.get("requestId")).isEqualTo("outer");
			assertThat(MDC.get("tenantId")).isNull();
		}
	}

	@WithRequestContext(requestId = "class-1", fields = "tenant=from-class")
	static class Annotated {

		@Test
		void classLevel() {
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("class-1");
			assertThat(MDC.get("tenantId")).isEqualTo("from-class");
		}

		@Test
		@WithRequestContext(requestId = "method-1")
		void methodLevelWins() {
			assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("method-1");
			assertThat(MDC.get("tenantId")).isNull();
		}

	}

}
