package dev.contextstarter.sample.demo;

import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /demo/block?millis=n} sleeps on the event loop, the bug the watchdog exists
 * to find. Only present when {@code sample.demo.blocking-endpoint} is on.
 */
@RestController
@ConditionalOnBooleanProperty("sample.demo.blocking-endpoint")
class BlockingDemoController {

	private static final Logger logger = LoggerFactory.getLogger(BlockingDemoController.class);

	private static final long MAX_MILLIS = 10_000;

	@GetMapping("/demo/block")
	Mono<ResponseEntity<Map<String, Object>>> block(@RequestParam(defaultValue = "1000") long millis)
			throws InterruptedException {
		if (millis < 1 || millis > MAX_MILLIS) {
			return Mono
				.just(ResponseEntity.badRequest().body(Map.of("error", "millis must be between 1 and " + MAX_MILLIS)));
		}
		String thread = Thread.currentThread().getName();
		logger.warn("Blocking {} for {} ms on purpose", thread, millis);
		// Deliberately wrong: sleeping here stalls every connection served by this event
		// loop.
		Thread.sleep(millis);
		return Mono
			.just(ResponseEntity.ok(Map.of("blockedThread", thread, "blocked", Duration.ofMillis(millis).toString())));
	}

}
