package dev.contextstarter.it.tracing;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.test.RequestContextLeakCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every tracing test class shares: the call, the captured log line, and a check that
 * the bridge this surefire execution is about is the one in use.
 */
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
abstract class TracingLogTestSupport {

	static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

	static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

	@LocalServerPort
	int port;

	@Autowired
	Tracer tracer;

	@Test
	void theBridgeOfThisExecutionIsInUse() {
		String bridge = System.getProperty("tracing.bridge", "brave");
		assertThat(this.tracer.getClass().getName()).contains(bridge.equals("otel") ? ".otel." : ".brave.");
	}

	Map<String, String> callTraced(String requestId) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/traced")
			.header("X-Request-ID", requestId)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, String>>() {
			})
			.block(Duration.ofSeconds(10));
	}

	static String logLine(CapturedOutput output, String message) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(message))
			.reduce((first, second) -> second)
			.orElseThrow(() -> new AssertionError("no log line with '" + message + "' in:\n" + output.getOut()));
	}

}
