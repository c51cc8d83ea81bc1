package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.test.StallCapture;
import dev.contextstarter.watchdog.BlockingCall;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code context.watchdog.blockhound.enabled=true} in a real WebFlux application: a 5 ms
 * sleep in a {@code publishOn(parallel())} step, far below the stall threshold, is
 * reported with the request ID the client sent and the sleeping frame, counted in the
 * metrics and the endpoint, and the request still completes. Runs in a JVM of its own
 * with {@code -XX:+AllowRedefinitionToAddDeleteMethods} (see the module's pom).
 */
@Tag("blockhound")
@SpringBootTest(classes = WatchdogTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.watchdog.blockhound.enabled=true",
				// A threshold far above the 5 ms sleep: on a loaded machine BlockHound's
				// class transformation and a late wake-up must not count as stalls of
				// this test.
				"context.watchdog.threshold=3s", "management.endpoints.web.exposure.include=watchdog" })
class WatchdogBlockHoundTests {

	private static final String CONTROLLER = WatchdogTestApplication.MisbehavingController.class.getName();

	@LocalServerPort
	int port;

	@Autowired
	Watchdog watchdog;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	@SuppressWarnings("unchecked")
	void aShortSleepOnAParallelWorkerIsReportedWithTheRequestIdAndTheRequestCompletes() {
		try (StallCapture capture = StallCapture.of(this.watchdog)) {
			assertThat(get("/sleep-on-parallel?millis=5", "it-bh-1").block(Duration.ofSeconds(10)))
				.isEqualTo("slept it-bh-1");
			BlockingCall call = capture.awaitBlockingCall(Duration.ofSeconds(5),
					(blocking) -> "it-bh-1".equals(blocking.requestId()));
			assertThat(call.method()).isEqualTo("java.lang.Thread.sleep");
			assertThat(call.pool()).isEqualTo("parallel");
			assertThat(call.hasFrame(CONTROLLER, "sleepOnParallelWorker")).isTrue();
			assertThat(capture.stalls()).isEmpty();
		}
		assertThat(this.meterRegistry.get(WatchdogMetrics.BLOCKING_CALLS).tag("pool", "parallel").counter().count())
			.isGreaterThanOrEqualTo(1);
		Map<String, Object> json = WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/actuator/watchdog")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
		assertThat(((Number) ((Map<String, Object>) json.get("totals")).get("blockingCalls")).longValue()).isPositive();
		assertThat((List<Map<String, Object>>) json.get("recentBlockingCalls")).anySatisfy((call) -> {
			assertThat(call).containsEntry("requestId", "it-bh-1").containsEntry("method", "java.lang.Thread.sleep");
			assertThat((List<String>) call.get("stack"))
				.anySatisfy((frame) -> assertThat(frame).contains(CONTROLLER + ".sleepOnParallelWorker("));
		});
	}

	private Mono<String> get(String path, String requestId) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri(path)
			.header("X-Request-ID", requestId)
			.retrieve()
			.bodyToMono(String.class);
	}

}
