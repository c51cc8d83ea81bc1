package dev.contextstarter.it.webflux;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's structured JSON logging carries the request ID and fields from the MDC with no
 * configuration of ours.
 */
@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "logging.structured.format.console=ecs", "context.fields.tenant.header=X-Tenant-ID",
				"context.fields.tenant.mdc-key=tenantId" })
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingTests {

	@LocalServerPort
	int port;

	/**
	 * Boot leaves the format in a system property, which the next test class's logging
	 * system would read: later classes would log JSON.
	 */
	@AfterAll
	static void clearStructuredFormat() {
		System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
	}

	@Test
	void jsonLogLinesCarryRequestIdAndFields(CapturedOutput output) {
		WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/echo")
			.header("X-Request-ID", "json-1")
			.header("X-Tenant-ID", "acme")
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(10));
		assertThat(output.getOut().lines().filter((line) -> line.contains("handling echo")).findFirst())
			.hasValueSatisfying((line) -> assertThat(line).startsWith("{")
				.contains("\"requestId\":\"json-1\"")
				.contains("\"tenantId\":\"acme\""));
	}

}
