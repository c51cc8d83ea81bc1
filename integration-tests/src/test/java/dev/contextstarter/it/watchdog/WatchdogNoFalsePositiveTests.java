package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.test.StallCapture;
import dev.contextstarter.watchdog.Watchdog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sustained load of short requests for 30 s, with the default 200 ms threshold, reports
 * no stall. A warm-up runs first, as the start-up grace period would in production: the
 * first requests load classes on the event loop, which is a real (one-off) stall.
 */
@SpringBootTest(classes = WatchdogTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.watchdog.startup-grace=0s", "context.watchdog.threshold=200ms" })
class WatchdogNoFalsePositiveTests {

	private static final Logger logger = LoggerFactory.getLogger(WatchdogNoFalsePositiveTests.class);

	private static final Duration LOAD_DURATION = Duration.ofSeconds(30);

	private static final int CONCURRENCY = 8;

	@LocalServerPort
	int port;

	@Autowired
	Watchdog watchdog;

	@Test
	void sustainedLoadOfShortRequestsReportsNothing() {
		WebClient client = WebClient.create("http://127.0.0.1:" + this.port);
		long warmUp = load(client, Duration.ofSeconds(5));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.watchdog.stalledNow() == 0);
		long pausesBefore = this.watchdog.totals().jvmPauses();
		long starvedBefore = this.watchdog.totals().starved();
		try (StallCapture capture = StallCapture.of(this.watchdog)) {
			long requests = load(client, LOAD_DURATION);
			long pauses = this.watchdog.totals().jvmPauses() - pausesBefore;
			long starved = this.watchdog.totals().starved() - starvedBefore;
			logger.info(
					"Load: {} warm-up requests, then {} requests in {} s ({} per second), {} JVM pauses and "
							+ "{} threads starved of CPU seen (not blamed)",
					warmUp, requests, LOAD_DURATION.toSeconds(), requests / LOAD_DURATION.toSeconds(), pauses, starved);
			assertThat(requests).isGreaterThan(1000);
			capture.assertNoStalls();
		}
	}

	/**
	 * Keeps {@value #CONCURRENCY} requests in flight for the given time; returns how many
	 * completed.
	 */
	private long load(WebClient client, Duration duration) {
		AtomicLong completed = new AtomicLong();
		Flux.<Integer>generate((sink) -> sink.next(1))
			.take(duration)
			.flatMap((i) -> client.get()
				.uri("/quick")
				.header("X-Request-ID", "load-" + completed.get())
				.retrieve()
				.bodyToMono(String.class)
				.doOnNext((body) -> completed.incrementAndGet())
				.onErrorResume((ex) -> Mono.empty()), CONCURRENCY)
			.blockLast(duration.plusSeconds(30));
		return completed.get();
	}

}
