package dev.contextstarter.it.webflux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Isolation under load: many concurrent requests with distinct IDs, each hopping across
 * parallel, boundedElastic, a delay, a single-thread flatMap and a WebClient call, report
 * the ID they saw in the MDC at each hop. None may see another request's ID, and
 * afterwards no thread may still hold a context.
 */
@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.fields.tenant.header=X-Tenant-ID", "logging.level.root=WARN" })
class RequestContextIsolationLoadTests extends DownstreamServerTests {

	static final int REQUESTS = 20_000;

	static final int CONCURRENCY = 200;

	@LocalServerPort
	int port;

	@Test
	void everyHopOfEveryRequestSeesItsOwnIdAndNoThreadKeepsOne() throws Exception {
		ConnectionProvider connections = ConnectionProvider.builder("load-client")
			.maxConnections(CONCURRENCY)
			.pendingAcquireMaxCount(-1)
			.build();
		WebClient client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.build();
		ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
		AtomicInteger hopsChecked = new AtomicInteger();
		Set<String> echoedIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
		long started = System.nanoTime();
		Long completed = Flux.range(0, REQUESTS).flatMap((i) -> {
			String id = "load-" + i;
			return client.get()
				.uri("/hops")
				.header("X-Request-ID", id)
				.header("X-Tenant-ID", "tenant-" + (i % 7))
				.exchangeToMono((response) -> {
					echoedIds.add(String.valueOf(response.headers().asHttpHeaders().getFirst("X-Request-ID")));
					return response.bodyToMono(new ParameterizedTypeReference<Map<String, String>>() {
					});
				})
				.doOnNext((seen) -> check(id, "tenant-" + (i % 7), seen, mismatches, hopsChecked));
		}, CONCURRENCY).count().block(Duration.ofMinutes(5));
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf(
				"Isolation load: %d requests, concurrency %d, %.1f s (%.0f req/s), %d hops checked, %d mismatches%n",
				completed, CONCURRENCY, seconds, completed / seconds, hopsChecked.get(), mismatches.size());
		connections.disposeLater().block(Duration.ofSeconds(10));

		assertThat(completed).isEqualTo(REQUESTS);
		assertThat(mismatches).as("hops that saw another request's ID").isEmpty();
		assertThat(hopsChecked.get()).isEqualTo(REQUESTS * 7);
		assertThat(echoedIds).hasSize(REQUESTS);

		// Every thread of the process, not just this one: none may keep a request
		// context.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(RequestIdContextHolder.threadsHoldingContext()).isEmpty());
		assertThat(mdcOnEventLoops()).as("MDC request IDs left on Netty event loops").isEmpty();
		assertThat(mdcOnWorkers(Schedulers.parallel(), Schedulers.DEFAULT_POOL_SIZE))
			.as("MDC request IDs left on parallel workers")
			.isEmpty();
	}

	private static void check(String id, String tenant, Map<String, String> seen,
			ConcurrentLinkedQueue<String> mismatches, AtomicInteger hopsChecked) {
		for (String hop : List.of("start", "parallel", "boundedElastic", "delay", "flatMapSingle", "afterWebClient")) {
			hopsChecked.incrementAndGet();
			if (!id.equals(seen.get(hop))) {
				mismatches.add(id + " at " + hop + " saw " + seen.get(hop));
			}
		}
		hopsChecked.incrementAndGet();
		if (!(id + "|" + tenant).equals(seen.get("downstream"))) {
			mismatches.add(id + " downstream saw " + seen.get("downstream"));
		}
	}

	private static List<String> mdcOnEventLoops() throws Exception {
		List<String> leftovers = new ArrayList<>();
		for (EventExecutor loop : HttpResources.get().onServer(true)) {
			String value = loop.submit(() -> MDC.get("requestId")).get(5, TimeUnit.SECONDS);
			if (value != null) {
				leftovers.add(value);
			}
		}
		return leftovers;
	}

	private static List<String> mdcOnWorkers(Scheduler scheduler, int workers) throws Exception {
		Set<String> leftovers = new HashSet<>();
		List<Scheduler.Worker> created = new ArrayList<>();
		try {
			for (int i = 0; i < workers; i++) {
				Scheduler.Worker worker = scheduler.createWorker();
				created.add(worker);
				String value = Mono.fromCallable(() -> String.valueOf(MDC.get("requestId")))
					.subscribeOn(Schedulers.fromExecutor(worker::schedule))
					.block(Duration.ofSeconds(5));
				if (!"null".equals(value)) {
					leftovers.add(value);
				}
			}
		}
		finally {
			created.forEach(Scheduler.Worker::dispose);
		}
		return new ArrayList<>(leftovers);
	}

}
