package dev.contextstarter.it.reactor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import org.slf4j.MDC;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.RequestContextRestoring;

/**
 * A WebFlux application with ordinary Reactor chains and no context code of its own
 * (apart from {@link RequestContextRestoring} where a scenario is about it). Every step
 * of every scenario records what it sees: {@code step=holder|mdc}.
 */
@SpringBootApplication
public class ReactorScenarioApplication {

	/**
	 * Assembled when this class is initialised, which the tests force before any
	 * application context starts.
	 */
	static final Mono<String> ASSEMBLED_AT_CLASS_INITIALISATION = Mono
		.create((sink) -> Scenarios.FOREIGN.execute(() -> sink.success("early")));

	/** Records the steps of one request. */
	static final class Recorder {

		private final Queue<String> steps = new ConcurrentLinkedQueue<>();

		<T> Function<T, T> step(String name) {
			return (value) -> {
				record(name);
				return value;
			};
		}

		void record(String name) {
			this.steps.add(name + "=" + seen());
		}

		void recordSeen(String name, String seen) {
			this.steps.add(name + "=" + seen);
		}

		List<String> steps() {
			return List.copyOf(this.steps);
		}

		static String seen() {
			return RequestIdContextHolder.currentRequestId() + "|" + MDC.get("requestId");
		}

	}

	/**
	 * Sources that the requests share, assembled once in a bean constructor as clients
	 * and caches are: each runs in the context of whichever request started it.
	 */
	@Component
	static class SharedSources implements AutoCloseable {

		final Sinks.Many<String> hub = Sinks.many().multicast().directBestEffort();

		final Queue<Reply> pendingReplies = new ConcurrentLinkedQueue<>();

		private final Disposable.Composite connections = Disposables.composite();

		final Flux<Long> share = Flux.interval(Duration.ofMillis(3)).onBackpressureDrop().share();

		final Flux<Long> refCount = Flux.interval(Duration.ofMillis(3)).onBackpressureDrop().publish().refCount();

		final Flux<Long> replay = Flux.interval(Duration.ofMillis(3))
			.onBackpressureDrop()
			.replay(1)
			.autoConnect(1, this.connections::add);

		final Flux<Long> autoConnect = Flux.interval(Duration.ofMillis(3))
			.onBackpressureDrop()
			.publish()
			.autoConnect(1, this.connections::add);

		final Mono<String> cache = Mono.delay(Duration.ofMillis(5)).map((tick) -> "cached").cache(Duration.ofMillis(1));

		final Mono<String> cacheInvalidateIf = Mono.delay(Duration.ofMillis(5))
			.map((tick) -> "cached")
			.cacheInvalidateIf((value) -> true);

		final Mono<String> seenInConstructorChain = Mono
			.<String>create((sink) -> Scenarios.FOREIGN.execute(() -> sink.success("x")))
			.map((x) -> Recorder.seen());

		SharedSources() {
			// Reactor's refCount can leave a subscriber that arrives while the last one
			// leaves on the old connection (reactor-core#3487, #4289): it fails or hangs,
			// with or without the starter's hooks, for share() and publish().refCount()
			// alike (the figures are in the README, from RefCountRaceExperiment). A
			// subscriber of its own keeps these two connected, in a context of its own,
			// which no request may see.
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("keeper"))) {
				this.connections.add(this.share.subscribe());
				this.connections.add(this.refCount.subscribe());
			}
		}

		@Override
		public void close() {
			this.connections.dispose();
		}

	}

	/**
	 * One request's reply sinks, completed by another request or, failing that, a timer.
	 */
	static final class Reply {

		final Sinks.One<String> one = Sinks.one();

		final Sinks.Many<String> unicast = Sinks.many().unicast().onBackpressureBuffer();

		final Sinks.Many<String> replay = Sinks.many().replay().latest();

		final Sinks.Empty<Void> empty = Sinks.empty();

		void complete() {
			this.one.tryEmitValue("reply");
			this.unicast.tryEmitNext("reply");
			this.unicast.tryEmitComplete();
			this.replay.tryEmitNext("reply");
			this.replay.tryEmitComplete();
			this.empty.tryEmitEmpty();
		}

	}

	/**
	 * A {@code Mono} made by a library: it signals from its own thread, busy with other
	 * work.
	 */
	static final class LibraryMono extends Mono<String> {

		@Override
		public void subscribe(CoreSubscriber<? super String> actual) {
			actual.onSubscribe(Operators.emptySubscription());
			Scenarios.FOREIGN.execute(() -> {
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("library-thread"))) {
					actual.onNext("library");
					actual.onComplete();
				}
			});
		}

	}

	@RestController
	static class Scenarios {

		/** A client library's thread pool: no Reactor scheduler, no request context. */
		static final ExecutorService FOREIGN = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "foreign-library");
			thread.setDaemon(true);
			return thread;
		});

		private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "foreign-timer");
			thread.setDaemon(true);
			return thread;
		});

		private final Map<String, Function<Recorder, Publisher<?>>> scenarios = new LinkedHashMap<>();

		private final SharedSources shared;

		private final WebClient bootWebClient;

		private final Environment environment;

		private final Mono<String> preAssembledBeforeBoot = ASSEMBLED_AT_CLASS_INITIALISATION;

		Scenarios(SharedSources shared, WebClient.Builder builder, Environment environment) {
			this.shared = shared;
			this.bootWebClient = builder.build();
			this.environment = environment;
			// 1. Sinks.
			this.scenarios.put("sink-hub-cross-talk", this::hub);
			this.scenarios.put("sink-reply-cross-talk", this::reply);
			this.scenarios.put("sink-one-foreign-thread", (r) -> {
				Sinks.One<String> one = Sinks.one();
				return one.asMono()
					.map(r.step("sink-one"))
					.doOnSubscribe((s) -> FOREIGN.execute(() -> one.tryEmitValue("x")));
			});
			// 2. Multicasting operators.
			this.scenarios.put("share", (r) -> this.shared.share.take(2).map(r.step("share")));
			this.scenarios.put("publish-refCount", (r) -> this.shared.refCount.take(2).map(r.step("refCount")));
			this.scenarios.put("publish-autoConnect",
					(r) -> this.shared.autoConnect.take(2).map(r.step("autoConnect")));
			this.scenarios.put("replay-autoConnect", (r) -> this.shared.replay.take(2).map(r.step("replay")));
			this.scenarios.put("mono-cache-pending", (r) -> this.shared.cache.map(r.step("cache")));
			this.scenarios.put("mono-cacheInvalidateIf",
					(r) -> this.shared.cacheInvalidateIf.map(r.step("cacheInvalidateIf")));
			// 3. A part of the chain in another context.
			this.scenarios.put("restoring-per-item", this::restoringPerItem);
			// 4. Sources made by libraries.
			this.scenarios.put("webclient-create",
					(r) -> WebClient.create(baseUrl())
						.get()
						.uri("/plain")
						.retrieve()
						.bodyToMono(String.class)
						.map(r.step("after-webclient-create")));
			this.scenarios.put("library-mono",
					(r) -> new LibraryMono().map(r.step("library-first")).map(r.step("library-second")));
			// 5. Assembled before the request, in a bean constructor or before the
			// application started.
			this.scenarios.put("assembled-in-constructor", (r) -> this.shared.seenInConstructorChain
				.doOnNext((seen) -> r.recordSeen("constructor-chain", seen)));
			this.scenarios.put("assembled-before-boot", (r) -> this.preAssembledBeforeBoot.map(r.step("before-boot")));
			// Must keep.
			this.scenarios.put("hops", this::hops);
			this.scenarios.put("zip-merge", (r) -> Mono
				.zip(Mono.fromCallable(() -> 1).subscribeOn(Schedulers.parallel()).map(r.step("zip-parallel")),
						Mono.fromCallable(() -> 2).subscribeOn(Schedulers.boundedElastic()).map(r.step("zip-elastic")))
				.map(r.step("after-zip"))
				.thenMany(Flux.merge(Mono.just(1).delayElement(Duration.ofMillis(1)),
						Mono.just(2).publishOn(Schedulers.single())))
				.map(r.step("after-merge")));
			this.scenarios.put("inner-operators", this::innerOperators);
			this.scenarios.put("parallel-runOn",
					(r) -> Flux.range(1, 4)
						.parallel(2)
						.runOn(Schedulers.parallel())
						.map(r.step("rail"))
						.sequential()
						.map(r.step("after-sequential")));
			this.scenarios.put("retry-repeat-resume", this::retryRepeatResume);
			this.scenarios.put("futures-and-create",
					(r) -> Mono
						.fromFuture(CompletableFuture.supplyAsync(() -> "f",
								CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, FOREIGN)))
						.map(r.step("fromFuture"))
						.then(Mono.fromCompletionStage(() -> CompletableFuture.supplyAsync(() -> "s", FOREIGN)))
						.map(r.step("fromCompletionStage"))
						.thenMany(Flux.<String>create((sink) -> FOREIGN.execute(() -> {
							sink.next("c");
							sink.complete();
						})))
						.map(r.step("create")));
			this.scenarios.put("resources", this::resources);
			this.scenarios.put("deferContextual",
					(r) -> Mono.deferContextual((view) -> Mono.just(view.size()))
						.publishOn(Schedulers.parallel())
						.map(r.step("deferContextual")));
			this.scenarios.put("blocking-boundedElastic", (r) -> Mono.fromCallable(() -> {
				String blocked = CompletableFuture.supplyAsync(() -> "b", FOREIGN).get(5, TimeUnit.SECONDS);
				r.record("blocking");
				return blocked;
			}).subscribeOn(Schedulers.boundedElastic()).map(r.step("after-blocking")));
			this.scenarios.put("webclient-boot-builder",
					(r) -> this.bootWebClient.get()
						.uri(baseUrl() + "/plain")
						.retrieve()
						.bodyToMono(String.class)
						.doOnNext((downstreamSaw) -> r.recordSeen("downstream", downstreamSaw + "|" + downstreamSaw))
						.map(r.step("after-webclient-builder")));
		}

		@GetMapping("/scenario/{name}")
		Mono<List<String>> scenario(@PathVariable String name) {
			Recorder recorder = new Recorder();
			recorder.record("start");
			return Flux.from(this.scenarios.get(name).apply(recorder)).then(Mono.fromCallable(() -> {
				recorder.record("end");
				return recorder.steps();
			}));
		}

		@GetMapping("/scenarios")
		List<String> names() {
			return List.copyOf(this.scenarios.keySet());
		}

		@GetMapping("/plain")
		String plain() {
			return String.valueOf(RequestIdContextHolder.currentRequestId());
		}

		@PostMapping("/body")
		Mono<List<String>> body(@RequestBody Flux<String> lines) {
			Recorder recorder = new Recorder();
			return lines.map(recorder.step("body-line"))
				.publishOn(Schedulers.parallel())
				.map(recorder.step("body-after-hop"))
				.then(Mono.fromCallable(recorder::steps));
		}

		@GetMapping(path = "/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> sse() {
			return Flux.range(1, 3)
				.delayElements(Duration.ofMillis(2))
				.map((i) -> ServerSentEvent.builder("sse=" + Recorder.seen()).build());
		}

		private String baseUrl() {
			return "http://127.0.0.1:" + this.environment.getProperty("local.server.port");
		}

		private Publisher<?> hub(Recorder r) {
			// Every request listens to the hub, then emits into it from its own delayed
			// step: the others receive its values on its thread, in its context.
			Flux<String> received = this.shared.hub.asFlux().take(2).map(r.step("hub-received"));
			Mono<Void> emitted = Mono.delay(Duration.ofMillis(1)).doOnNext((tick) -> {
				for (int i = 0; i < 2; i++) {
					this.shared.hub.emitNext("value", Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
				}
			}).then();
			return Flux.merge(received, emitted);
		}

		private Publisher<?> reply(Recorder r) {
			Reply own = new Reply();
			this.shared.pendingReplies.add(own);
			// Whoever is not answered by another request within 50 ms is answered by a
			// plain timer.
			TIMER.schedule(own::complete, 50, TimeUnit.MILLISECONDS);
			Mono<Void> answerAnother = Mono.delay(Duration.ofMillis(1)).doOnNext((tick) -> {
				Reply other = this.shared.pendingReplies.poll();
				if (other != null && other != own) {
					other.complete();
				}
				else if (other == own) {
					this.shared.pendingReplies.add(own);
				}
			}).then();
			Mono<List<String>> replies = Flux
				.merge(own.one.asMono().map(r.step("one")), own.unicast.asFlux().map(r.step("unicast")),
						own.replay.asFlux().map(r.step("replay")),
						own.empty.asMono().then(Mono.fromCallable(() -> "empty")).map(r.step("empty")),
						Mono.just("request").flatMap((x) -> own.one.asMono()).map(r.step("after-flatMap-on-reply")))
				.collectList();
			return Flux.merge(replies, answerAnother);
		}

		private Publisher<?> restoringPerItem(Recorder r) {
			String id = RequestIdContextHolder.currentRequestId();
			return Flux.range(1, 3)
				.flatMap((i) -> RequestContextRestoring.mono(
						Mono.just(i).publishOn(Schedulers.parallel()).map(r.step("inside-item-" + i)),
						RequestIdContext.of(id + "/item-" + i)))
				.map(r.step("after-items"));
		}

		private Publisher<?> hops(Recorder r) {
			return Mono.just("x")
				.publishOn(Schedulers.parallel())
				.map(r.step("publishOn"))
				.flatMap((x) -> Mono.fromCallable(() -> x).subscribeOn(Schedulers.boundedElastic()))
				.map(r.step("subscribeOn"))
				.delayElement(Duration.ofMillis(1))
				.map(r.step("delayElement"))
				.timeout(Duration.ofSeconds(5))
				.map(r.step("timeout-not-fired"))
				.then(Mono.<String>never().timeout(Duration.ofMillis(1), Mono.just("fallback")))
				.map(r.step("timeout-fallback"));
		}

		private Publisher<?> innerOperators(Recorder r) {
			return Flux.range(1, 4)
				.concatMap((i) -> Mono.just(i).publishOn(Schedulers.parallel()))
				.map(r.step("concatMap"))
				.switchMap((i) -> Mono.just(i).delayElement(Duration.ofMillis(1)))
				.map(r.step("switchMap"))
				.thenMany(Flux.range(1, 6))
				.groupBy((i) -> i % 2)
				.flatMap((group) -> group.publishOn(Schedulers.parallel()).map(r.step("groupBy")))
				.window(2)
				.flatMap((window) -> window.map(r.step("window")))
				.buffer(2)
				.map(r.step("buffer"));
		}

		private Publisher<?> retryRepeatResume(Recorder r) {
			int[] attempts = { 0 };
			return Mono.fromCallable(() -> {
				if (attempts[0]++ < 2) {
					throw new IllegalStateException("again");
				}
				return "ok";
			})
				.retryWhen(Retry.backoff(3, Duration.ofMillis(1)))
				.map(r.step("retryWhen"))
				.repeat(1)
				.map(r.step("repeat"))
				.then(Mono.error(new IllegalStateException("resume")).publishOn(Schedulers.parallel()))
				.onErrorResume((error) -> Mono.just("resumed"))
				.map(r.step("onErrorResume"));
		}

		private Publisher<?> resources(Recorder r) {
			Sinks.Empty<Void> finallyDone = Sinks.empty();
			return Flux
				.using(() -> "resource", (resource) -> Flux.just(resource).publishOn(Schedulers.parallel()),
						(resource) -> r.record("using-cleanup"))
				.map(r.step("using"))
				.thenMany(Flux.usingWhen(Mono.just("resource"),
						(resource) -> Mono.just(resource).delayElement(Duration.ofMillis(1)),
						(resource) -> Mono.fromRunnable(() -> r.record("usingWhen-cleanup"))))
				.map(r.step("usingWhen"))
				.publishOn(Schedulers.parallel())
				.doFinally((signal) -> {
					r.record("doFinally");
					finallyDone.tryEmitEmpty();
				})
				.thenMany(finallyDone.asMono());
		}

	}

}
