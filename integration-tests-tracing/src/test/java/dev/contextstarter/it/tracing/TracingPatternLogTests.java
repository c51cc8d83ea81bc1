package dev.contextstarter.it.tracing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the starter and tracing: Boot's default console pattern shows the request ID and,
 * formatted exactly as without the starter, the trace and span IDs.
 */
@SpringBootTest(classes = TracingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.tracing.sampling.probability=1.0")
class TracingPatternLogTests extends TracingLogTestSupport {

	@Test
	void logLineCarriesTheRequestIdAndBootsTraceAndSpanIds(CapturedOutput output) {
		Map<String, String> seen = callTraced("traced-1");
		assertThat(seen.get("requestId")).isEqualTo("traced-1");
		assertThat(seen.get("traceId")).matches(TRACE_ID);
		assertThat(seen.get("spanId")).matches(SPAN_ID);
		assertThat(logLine(output, "traced work"))
			.contains("[traced-1] [" + seen.get("traceId") + "-" + seen.get("spanId") + "] ");
	}

}
