package dev.contextstarter.it.tracing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing's baggage correlates a field under the starter's MDC key (as Boot's docs show
 * for a request ID): the starter stays the one writer of that key, so log lines inside a
 * span keep the request ID (with Brave they showed {@code []}: Brave wrote the empty
 * baggage over it).
 */
@SpringBootTest(classes = TracingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0",
				"management.tracing.baggage.remote-fields=requestId",
				"management.tracing.baggage.correlation.fields=requestId" })
class TracingBaggageCorrelationLogTests extends TracingLogTestSupport {

	@Test
	void logLineInsideASpanKeepsTheRequestId(CapturedOutput output) {
		Map<String, String> seen = callTraced("traced-5");
		assertThat(seen.get("requestId")).isEqualTo("traced-5");
		assertThat(logLine(output, "traced work"))
			.contains("[traced-5] [" + seen.get("traceId") + "-" + seen.get("spanId") + "] ");
	}

}
