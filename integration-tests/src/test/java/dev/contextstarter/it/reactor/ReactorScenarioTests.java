package dev.contextstarter.it.reactor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every scenario of {@link ReactorScenarioApplication} against a real server, with
 * {@value #CONCURRENT} requests at a time, each with its own ID. Each step's thread-local
 * and MDC value is tallied as <em>pass</em> (the request's own ID), <em>absent</em>
 * (none) or <em>wrong</em> (any other ID). Wrong must be 0 in every mode; absent must be
 * 0 where the subclass says so. The racy scenarios (shared sources, cross-talk) run
 * {@value #RACY_RUNS} times. The table goes to standard output and to
 * {@code target/reactor-scenarios-<mode>.md}.
 */
@SpringBootTest(classes = ReactorScenarioApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.root=WARN")
@DirtiesContext
abstract class ReactorScenarioTests {

	static final int CONCURRENT = 8;

	static final int RACY_RUNS = 50;

	static final int OTHER_RUNS = 5;

	private static final Set<String> RACY = Set.of("sink-hub-cross-talk", "sink-reply-cross-talk", "share",
			"publish-refCount", "publish-autoConnect", "replay-autoConnect", "mono-cache-pending",
			"mono-cacheInvalidateIf", "restoring-per-item", "library-mono");

	static {
		// Assemble the application's early chain now, before any application context
		// starts.
		assertThat(ReactorScenarioApplication.ASSEMBLED_AT_CLASS_INITIALISATION).isNotNull();
	}

	@LocalServerPort
	int port;

	@Autowired
	ReactorScenarioApplication.SharedSources sharedSources;

	/**
	 * The mode's name in the table.
	 * @return the name
	 */
	abstract String mode();

	/**
	 * Whether a step may see no context at all in this mode.
	 * @return whether absent values are allowed
	 */
	abstract boolean absentAllowed();

	@Test
	void everyStepOfEveryScenarioSeesItsOwnRequestsIdAndNeverAnothers() throws IOException {
		ConnectionProvider connections = ConnectionProvider.builder("scenario-client")
			.maxConnections(CONCURRENT * 2)
			.build();
		WebClient client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.build();
		Map<String, Tally> table = new TreeMap<>();
		try {
			List<String> names = client.get()
				.uri("/scenarios")
				.retrieve()
				.bodyToMono(new ParameterizedTypeReference<List<String>>() {
				})
				.block(Duration.ofSeconds(10));
			assertThat(names).isNotEmpty();
			for (String name : names) {
				Tally tally = table.computeIfAbsent(name, (key) -> new Tally());
				int runs = RACY.contains(name) ? RACY_RUNS : OTHER_RUNS;
				runConcurrently(runs,
						(id) -> client.get()
							.uri("/scenario/" + name)
							.header("X-Request-ID", id)
							.retrieve()
							.bodyToMono(new ParameterizedTypeReference<List<String>>() {
							})
							.doOnNext((steps) -> tally.add(id, steps)),
						name);
			}
			Tally body = table.computeIfAbsent("request-body", (key) -> new Tally());
			runConcurrently(OTHER_RUNS,
					(id) -> client.post()
						.uri("/body")
						.header("X-Request-ID", id)
						.contentType(MediaType.TEXT_PLAIN)
						.body(Flux.just("a\n", "b\n", "c\n").delayElements(Duration.ofMillis(2)), String.class)
						.retrieve()
						.bodyToMono(new ParameterizedTypeReference<List<String>>() {
						})
						.doOnNext((steps) -> body.add(id, steps)),
					"request-body");
			Tally sse = table.computeIfAbsent("sse-stream", (key) -> new Tally());
			runConcurrently(OTHER_RUNS,
					(id) -> client.get()
						.uri("/sse")
						.header("X-Request-ID", id)
						.retrieve()
						.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
						})
						.map(ServerSentEvent::data)
						.collectList()
						.doOnNext((steps) -> sse.add(id, steps)),
					"sse-stream");
		}
		finally {
			connections.disposeLater().block(Duration.ofSeconds(10));
		}
		String report = report(table);
		System.out.println(report);
		Files.writeString(Path.of("target", "reactor-scenarios-" + mode() + ".md"), report);

		SoftAssertions softly = new SoftAssertions();
		table.forEach((name, tally) -> {
			softly.assertThat(tally.requests.get()).as(name + ": requests answered").isPositive();
			softly.assertThat(tally.pass.get())
				.as(name + ": steps checked")
				.isGreaterThanOrEqualTo(tally.requests.get());
			softly.assertThat(tally.wrongSamples).as(name + ": steps that saw another request's ID").isEmpty();
			if (!absentAllowed()) {
				softly.assertThat(tally.absentSamples).as(name + ": steps that saw no ID").isEmpty();
			}
		});
		softly.assertAll();

		// Nothing may stay behind on any thread, once the forever-running shared source
		// stops.
		this.sharedSources.close();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(RequestIdContextHolder.threadsHoldingContext()).isEmpty());
	}

	private static void runConcurrently(int runs, java.util.function.Function<String, Mono<?>> request, String name) {
		for (int run = 0; run < runs; run++) {
			int current = run;
			Long answered = Flux.range(0, CONCURRENT)
				.flatMap((i) -> request.apply(name + "-" + current + "-" + i), CONCURRENT)
				.count()
				.timeout(Duration.ofSeconds(30),
						Mono.error(() -> new AssertionError(name + " run " + current + " did not finish in 30 s")))
				.block();
			assertThat(answered).as(name + " run " + run).isEqualTo(CONCURRENT);
		}
	}

	private String report(Map<String, Tally> table) {
		StringBuilder report = new StringBuilder("| scenario (" + mode() + ") | requests | pass | absent | wrong |\n");
		report.append("|---|---:|---:|---:|---:|\n");
		table.forEach((name, tally) -> report.append("| ")
			.append(name)
			.append(" | ")
			.append(tally.requests)
			.append(" | ")
			.append(tally.pass)
			.append(" | ")
			.append(tally.absent)
			.append(" | ")
			.append(tally.wrong)
			.append(" |\n"));
		table.forEach((name, tally) -> {
			tally.wrongSamples.stream()
				.limit(3)
				.forEach((sample) -> report.append("\nwrong in ").append(name).append(": ").append(sample));
			tally.absentSamples.stream()
				.limit(3)
				.forEach((sample) -> report.append("\nabsent in ").append(name).append(": ").append(sample));
		});
		return report.append('\n').toString();
	}

	/**
	 * Counts of one scenario's step values: each step reports {@code name=holder|mdc}; a
	 * step named {@code inside-item-N} belongs to the item's context,
	 * {@code <id>/item-N}.
	 */
	static final class Tally {

		final AtomicLong requests = new AtomicLong();

		final AtomicLong pass = new AtomicLong();

		final AtomicLong absent = new AtomicLong();

		final AtomicLong wrong = new AtomicLong();

		final ConcurrentLinkedQueue<String> wrongSamples = new ConcurrentLinkedQueue<>();

		final ConcurrentLinkedQueue<String> absentSamples = new ConcurrentLinkedQueue<>();

		private final Map<String, Boolean> seenIds = new ConcurrentHashMap<>();

		void add(String id, List<String> steps) {
			this.requests.incrementAndGet();
			this.seenIds.put(id, true);
			for (String step : steps) {
				int equals = step.indexOf('=');
				String name = step.substring(0, equals);
				String expected = name.startsWith("inside-item-")
						? id + "/item-" + name.substring("inside-item-".length()) : id;
				for (String value : step.substring(equals + 1).split("\\|", -1)) {
					if (expected.equals(value)) {
						this.pass.incrementAndGet();
					}
					else if ("null".equals(value)) {
						this.absent.incrementAndGet();
						this.absentSamples.add(id + " " + step);
					}
					else {
						this.wrong.incrementAndGet();
						this.wrongSamples.add(id + " " + step);
					}
				}
			}
		}

	}

}
