package dev.contextstarter.benchmarks.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoint under load: one hop from the event loop to {@code parallel()}, then one
 * INFO line, whose pattern prints the request ID from the MDC.
 */
@RestController
class HelloController {

	private static final Logger logger = LoggerFactory.getLogger(HelloController.class);

	@GetMapping("/hello")
	Mono<String> hello() {
		return Mono.just("hello").publishOn(Schedulers.parallel()).map((greeting) -> {
			logger.info("Said {}", greeting);
			return greeting;
		});
	}

}
