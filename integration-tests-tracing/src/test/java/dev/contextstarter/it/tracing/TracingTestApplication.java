package dev.contextstarter.it.tracing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A WebFlux application with Micrometer Tracing, written as a user would: its handler
 * does observed work (as {@code @Observed} code or an instrumented client does), which
 * opens a span on the thread, and logs inside it.
 */
@SpringBootApplication
public class TracingTestApplication {

	static final Log logger = LogFactory.getLog(TracingTestApplication.class);

	@RestController
	static class TracedController {

		private final ObservationRegistry observationRegistry;

		TracedController(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
		}

		@GetMapping("/traced")
		Mono<Map<String, String>> traced() {
			Map<String, String> seen = new LinkedHashMap<>();
			Observation.createNotStarted("traced.work", this.observationRegistry).observe(() -> {
				logger.info("traced work");
				seen.put("requestId", String.valueOf(MDC.get("requestId")));
				seen.put("traceId", String.valueOf(MDC.get("traceId")));
				seen.put("spanId", String.valueOf(MDC.get("spanId")));
			});
			return Mono.just(seen);
		}

	}

}
