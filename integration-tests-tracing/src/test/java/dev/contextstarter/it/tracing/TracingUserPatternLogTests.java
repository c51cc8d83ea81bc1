package dev.contextstarter.it.tracing;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A correlation pattern the user set is used as it is.
 */
@SpringBootTest(classes = TracingTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"management.tracing.sampling.probability=1.0", "logging.pattern.correlation=<%X{traceId:-}|%X{requestId:-}> " })
class TracingUserPatternLogTests extends TracingLogTestSupport {

	@Test
	void theUsersPatternWins(CapturedOutput output) {
		Map<String, String> seen = callTraced("traced-3");
		assertThat(logLine(output, "traced work")).contains("<" + seen.get("traceId") + "|traced-3> ")
			.doesNotContain("[traced-3]");
	}

}
