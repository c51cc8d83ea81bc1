package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.test.StallCapture;
import dev.contextstarter.watchdog.StallReport;
import dev.contextstarter.watchdog.StallSource;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogTotals;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the watchdog writes to the log in a real WebFlux application: every stall leaves a
 * WARN line with its own request ID, and a flood is bounded by the log budget with the
 * rest summed up, so that the log and the endpoint's totals agree. The log budget here is
 * 5 full reports per 2 s (the default interval is 10 s; shorter keeps the test short). A
 * flood of 50 requests that each block one of four workers for 400 ms lasts about 5 s.
 * The assertions read the lines whatever their format (another test of this JVM may have
 * left structured JSON logging on).
 */
@SpringBootTest(classes = WatchdogTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.watchdog.startup-grace=0s", "context.watchdog.threshold=200ms",
				"context.watchdog.report-interval=2s", "context.watchdog.max-full-reports=5",
				"management.endpoints.web.exposure.include=watchdog" })
@ExtendWith(OutputCaptureExtension.class)
class WatchdogLogTests {

	private static final Logger logger = LoggerFactory.getLogger(WatchdogLogTests.class);

	private static final Pattern SUMMARY = Pattern.compile("Watchdog summary: (\\d+) more stalls in the last");

	private static final String STUCK = ") stuck for ";

	private static final String FLOOD_STARTS = "The flood starts";

	@LocalServerPort
	int port;

	@Autowired
	Watchdog watchdog;

	private static boolean warmedUp;

	@BeforeEach
	void warmUpAndEmptyTheBudget() {
		if (!warmedUp) {
			WebClient client = client();
			for (String path : List.of("/quick", "/sleep-on-loop?millis=0", "/spin-on-loop?millis=0",
					"/sleep-on-flood?millis=0", "/actuator/watchdog")) {
				get(client, path, "warm-up").block(Duration.ofSeconds(30));
			}
			warmedUp = true;
		}
		// Starts each test with the warm-up's stalls logged and a fresh budget interval.
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.watchdog.stalledNow() == 0 && allLogged());
		Awaitility.await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(5)).until(this::allLogged);
	}

	@Test
	void twoStallsOfTwoRequestsOnOneEventLoopLeaveTwoWarnLinesEachWithItsOwnId(CapturedOutput output) {
		// One connection: both requests go to the same server event loop, one after the
		// other.
		ConnectionProvider oneConnection = ConnectionProvider.create("one-connection", 1);
		try (StallCapture capture = StallCapture.of(this.watchdog)) {
			WebClient client = client().mutate()
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(oneConnection)))
				.build();
			assertThat(get(client, "/sleep-on-loop?millis=900", "it-two-1").block(Duration.ofSeconds(10)))
				.isEqualTo("slept it-two-1");
			assertThat(get(client, "/spin-on-loop?millis=700", "it-two-2").block(Duration.ofSeconds(10)))
				.isEqualTo("spun it-two-2");
			StallReport first = capture.awaitStall(Duration.ofSeconds(5),
					(stall) -> "it-two-1".equals(stall.requestId()));
			StallReport second = capture.awaitStall(Duration.ofSeconds(5),
					(stall) -> "it-two-2".equals(stall.requestId()));
			assertThat(first.source()).isEqualTo(StallSource.EVENT_LOOP);
			assertThat(second.threadName()).isEqualTo(first.threadName());
			capture.awaitRecovery(second, Duration.ofSeconds(5));
		}
		finally {
			oneConnection.dispose();
		}
		List<String> warnings = output.getOut().lines().filter((line) -> line.contains(STUCK)).toList();
		warnings.forEach((line) -> logger.info("Stall line: {}", line));
		assertThat(warnings).filteredOn((line) -> line.contains("serving request it-two-1"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("blocked/waiting")
				.contains("at " + WatchdogTestApplication.MisbehavingController.class.getName() + ".sleep("));
		assertThat(warnings).filteredOn((line) -> line.contains("serving request it-two-2"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("CPU-bound")
				.contains("at " + WatchdogTestApplication.MisbehavingController.class.getName() + ".spin("));
	}

	@Test
	@SuppressWarnings("unchecked")
	void aFloodIsBoundedByTheBudgetAndTheLogAccountsForEveryStall(CapturedOutput output) {
		WatchdogTotals before = this.watchdog.totals();
		// Lines before this one (the warm-up's) are in the totals before the flood too.
		logger.info(FLOOD_STARTS);
		long started = System.nanoTime();
		try (StallCapture capture = StallCapture.of(this.watchdog)) {
			WebClient client = client();
			List<String> answers = Flux.range(1, 50)
				.flatMap((i) -> get(client, "/sleep-on-flood?millis=400", "flood-" + i)
					.map((body) -> "flood-" + i + " answered " + body), 50)
				.collectList()
				.block(Duration.ofSeconds(60));
			// Each blocked task ran on its worker under its own request, never an earlier
			// one's.
			assertThat(answers).hasSize(50)
				.allSatisfy((answer) -> assertThat(answer).matches("(flood-\\d+) answered slept \\1"));
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.watchdog.stalledNow() == 0);
			// On this shared 2-core machine the watchdog thread wakes late under the
			// flood's load, and time it did not run is not counted against tasks: most,
			// not always all, of the 50 blocked tasks are stalls. Enough to spend the
			// budget several times over.
			List<String> stalledRequests = capture.stalls()
				.stream()
				.map((stall) -> String.valueOf(stall.requestId()))
				.filter((requestId) -> requestId.startsWith("flood-"))
				.toList();
			assertThat(stalledRequests).hasSizeGreaterThanOrEqualTo(30);
			// One task per request: a request reported twice means a stall took another
			// task's ID.
			assertThat(stalledRequests).doesNotHaveDuplicates();
		}
		long floodSeconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
		// The summary of the last interval is written when the interval ends.
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::allLogged);
		WatchdogTotals after = this.watchdog.totals();
		long stalls = (after.stalls() + after.jvmPauses()) - (before.stalls() + before.jvmPauses());

		List<String> lines = output.getOut().lines().dropWhile((line) -> !line.contains(FLOOD_STARTS)).toList();
		long fullLines = lines.stream()
			.filter((line) -> line.contains(STUCK) || line.contains("JVM-wide pause"))
			.count();
		List<String> summaries = lines.stream().filter((line) -> SUMMARY.matcher(line).find()).toList();
		long summed = summaries.stream().mapToLong(WatchdogLogTests::summedUp).sum();
		summaries.forEach((line) -> logger.info("Summary line: {}", line));
		logger.info("Flood: {} stalls in {} s: {} logged in full, {} in {} summary lines", stalls, floodSeconds,
				fullLines, summed, summaries.size());
		assertThat(fullLines + summed).isEqualTo(stalls);
		assertThat(fullLines).isEqualTo(after.loggedInFull() - before.loggedInFull());
		assertThat(summed).isEqualTo(after.summarized() - before.summarized());
		// Budget intervals start at the first full report, so at most one per 2 s of
		// flood and one more.
		assertThat(fullLines).isLessThanOrEqualTo(5 * (floodSeconds / 2 + 2));
		assertThat(summaries).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains("WARN").contains("requests [flood-"));

		Map<String, Object> totals = (Map<String, Object>) client().get()
			.uri("/actuator/watchdog")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10))
			.get("totals");
		assertThat(((Number) totals.get("loggedInFull")).longValue() + ((Number) totals.get("summarized")).longValue())
			.isEqualTo(((Number) totals.get("stalls")).longValue() + ((Number) totals.get("jvmPauses")).longValue());
	}

	/** Every stall so far is in the log, in full or in a written summary line. */
	private boolean allLogged() {
		WatchdogTotals totals = this.watchdog.totals();
		return totals.loggedInFull() + totals.summarized() == totals.stalls() + totals.jvmPauses();
	}

	private static long summedUp(String line) {
		Matcher matcher = SUMMARY.matcher(line);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	private WebClient client() {
		return WebClient.create("http://127.0.0.1:" + this.port);
	}

	private static Mono<String> get(WebClient client, String path, String requestId) {
		return client.get().uri(path).header("X-Request-ID", requestId).retrieve().bodyToMono(String.class);
	}

}
