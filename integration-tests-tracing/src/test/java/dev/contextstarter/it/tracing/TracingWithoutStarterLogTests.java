package dev.contextstarter.it.tracing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The baseline the starter must not make worse: tracing alone (the starter switched off)
 * shows Boot's {@code [traceId-spanId]}.
 */
@SpringBootTest(classes = TracingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0", "context.enabled=false" })
class TracingWithoutStarterLogTests extends TracingLogTestSupport {

	@Test
	void logLineCarriesBootsTraceAndSpanIdsOnly(CapturedOutput output) {
		Map<String, String> seen = callTraced("traced-2");
		assertThat(seen.get("requestId")).isEqualTo("null");
		String line = logLine(output, "traced work");
		assertThat(line).contains("[" + seen.get("traceId") + "-" + seen.get("spanId") + "] ")
			.doesNotContain("traced-2");
	}

}
