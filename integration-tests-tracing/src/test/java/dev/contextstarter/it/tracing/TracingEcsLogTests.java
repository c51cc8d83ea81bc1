package dev.contextstarter.it.tracing;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's ECS JSON logs carry the request ID, the trace ID and the span ID.
 */
@SpringBootTest(classes = TracingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0", "logging.structured.format.console=ecs" })
class TracingEcsLogTests extends TracingLogTestSupport {

	/**
	 * Boot leaves the format in a system property, which the next test class's logging
	 * system would read.
	 */
	@AfterAll
	static void clearStructuredFormat() {
		System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
	}

	@Test
	void jsonLineCarriesAllThree(CapturedOutput output) {
		Map<String, String> seen = callTraced("traced-4");
		assertThat(logLine(output, "traced work")).startsWith("{")
			.contains("\"requestId\":\"traced-4\"")
			.contains(seen.get("traceId"))
			.contains(seen.get("spanId"));
	}

}
