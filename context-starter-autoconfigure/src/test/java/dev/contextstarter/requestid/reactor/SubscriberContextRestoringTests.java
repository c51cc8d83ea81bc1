package dev.contextstarter.requestid.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule of the starter's propagation: every signal runs in its own subscriber's
 * context, where signals come from another context (sinks, multicasting operators,
 * library-made publishers, sources assembled before the hooks), and a subscriber without
 * a context never sees another one's.
 */
class SubscriberContextRestoringTests {

	private final ReactorContextPropagation propagation = new ReactorContextPropagation(false);

	private final ExecutorService foreign = Executors.newSingleThreadExecutor((task) -> new Thread(task, "foreign"));

	private final List<String> seen = new CopyOnWriteArrayList<>();

	@BeforeEach
	void install() {
		this.propagation.install();
	}

	@AfterEach
	void uninstall() throws InterruptedException {
		this.propagation.uninstall();
		this.foreign.shutdownNow();
		this.foreign.awaitTermination(5, TimeUnit.SECONDS);
		RequestIdContextHolder.set(null);
		MDC.clear();
	}

	@Test
	void aMulticastSinkEmittedIntoUnderAnotherRequestDeliversInEachSubscribersContext() {
		Sinks.Many<String> sink = Sinks.many().multicast().onBackpressureBuffer();
		Flux<String> b = sink.asFlux().map(record("b-map")).map(record("b-after")).take(2);
		Flux<String> none = sink.asFlux().map(record("none-map")).take(2);
		StepVerifier.create(Flux.merge(within("request-b", b), none))
			.then(() -> emitUnder("request-a", () -> sink.tryEmitNext("1").orThrow()))
			.then(() -> emitUnder(null, () -> sink.tryEmitNext("2").orThrow()))
			.expectNextCount(4)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsOnly("b-map:request-b:request-b", "b-after:request-b:request-b",
				"none-map:null:null");
		assertThat(this.seen).hasSize(6);
	}

	@Test
	void everyKindOfSinkRestoresItsSubscribersContext() {
		Sinks.Many<String> unicast = Sinks.many().unicast().onBackpressureBuffer();
		Sinks.Many<String> replay = Sinks.many().replay().all();
		Sinks.One<String> one = Sinks.one();
		Sinks.Empty<Void> empty = Sinks.empty();
		Mono<String> all = Mono
			.zip(unicast.asFlux().map(record("unicast")).next(), replay.asFlux().map(record("replay")).next(),
					one.asMono().map(record("one")),
					empty.asMono().then(Mono.fromCallable(() -> "e")).map(record("empty")))
			.map((tuple) -> tuple.getT1());
		StepVerifier.create(within("request-b", all)).then(() -> emitUnder("request-a", () -> {
			unicast.tryEmitNext("u").orThrow();
			replay.tryEmitNext("r").orThrow();
			one.tryEmitValue("o").orThrow();
			empty.tryEmitEmpty().orThrow();
		})).expectNext("u").expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactlyInAnyOrder("unicast:request-b:request-b", "replay:request-b:request-b",
				"one:request-b:request-b", "empty:request-b:request-b");
	}

	@Test
	void aSinkSubscribedInsideAFlatMapDeliversTheStepsAfterItInTheSubscribersContext() {
		Sinks.One<String> reply = Sinks.one();
		Mono<String> waiting = Mono.just("request").flatMap((ignored) -> reply.asMono()).map(record("after-flatMap"));
		StepVerifier.create(within("request-b", waiting))
			.then(() -> emitUnder("request-a", () -> reply.tryEmitValue("reply").orThrow()))
			.expectNext("reply")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("after-flatMap:request-b:request-b");
	}

	@Test
	void sharedUpstreamsDeliverInEachSubscribersContext() throws InterruptedException {
		for (Function<Flux<String>, Flux<String>> multicast : List.<Function<Flux<String>, Flux<String>>>of(Flux::share,
				(flux) -> flux.publish().autoConnect(2), (flux) -> flux.publish().refCount(2),
				(flux) -> flux.replay().autoConnect(2), (flux) -> flux.cache())) {
			this.seen.clear();
			Sinks.Many<String> source = Sinks.many().multicast().onBackpressureBuffer();
			// The upstream runs in whichever context subscribes first, as a request's
			// interval would.
			Flux<String> shared = multicast.apply(source.asFlux().map(record("upstream")).take(2));
			CountDownLatch subscribed = new CountDownLatch(2);
			Flux<String> a = within("request-a", shared.doOnSubscribe((s) -> subscribed.countDown()).map(record("a")));
			Flux<String> b = within("request-b", shared.doOnSubscribe((s) -> subscribed.countDown()).map(record("b")));
			StepVerifier.create(Flux.merge(a, b))
				.then(() -> awaitQuietly(subscribed))
				.then(() -> emitUnder(null, () -> source.tryEmitNext("1").orThrow()))
				.then(() -> emitUnder("request-c", () -> source.tryEmitNext("2").orThrow()))
				.expectNextCount(4)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(this.seen).filteredOn((step) -> step.startsWith("a:"))
				.containsOnly("a:request-a:request-a")
				.hasSize(2);
			assertThat(this.seen).filteredOn((step) -> step.startsWith("b:"))
				.containsOnly("b:request-b:request-b")
				.hasSize(2);
		}
	}

	@Test
	void aConnectableFluxStaysConnectableAndDeliversInEachSubscribersContext() {
		Sinks.Many<String> source = Sinks.many().multicast().onBackpressureBuffer();
		ConnectableFlux<String> published = source.asFlux().take(1).publish();
		Flux<String> b = within("request-b", published.map(record("b")));
		StepVerifier.create(b).then(() -> {
			Disposable connection = published.connect();
			emitUnder("request-a", () -> source.tryEmitNext("1").orThrow());
			connection.dispose();
		}).expectNext("1").expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("b:request-b:request-b");
	}

	@Test
	void aMonoCachedWhilePendingDeliversInEachSubscribersContext() {
		for (Function<Mono<String>, Mono<String>> caching : List.<Function<Mono<String>, Mono<String>>>of(Mono::cache,
				Mono::share, (mono) -> mono.cacheInvalidateIf((value) -> false))) {
			this.seen.clear();
			Sinks.One<String> source = Sinks.one();
			Mono<String> cached = caching.apply(source.asMono());
			Mono<String> a = within("request-a", cached.map(record("a")));
			Mono<String> b = within("request-b", cached.map(record("b")));
			StepVerifier.create(Mono.zip(a, b))
				.then(() -> emitUnder("request-c", () -> source.tryEmitValue("v").orThrow()))
				.expectNextCount(1)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(this.seen).containsExactlyInAnyOrder("a:request-a:request-a", "b:request-b:request-b");
		}
	}

	@Test
	void theFunctionOfAFlatMapOnASinkRunsInTheSubscribersContext() {
		Sinks.One<String> source = Sinks.one();
		Mono<String> chain = source.asMono().flatMap((value) -> Mono.just(value).map(record("mapper")));
		StepVerifier.create(within("request-b", chain))
			.then(() -> emitUnder("request-a", () -> source.tryEmitValue("v").orThrow()))
			.expectNext("v")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("mapper:request-b:request-b");
	}

	@Test
	void restoringAChainInAnotherContextGivesTheStepsAfterItTheSubscribersContextBack() {
		Flux<String> items = Flux.just("item-1", "item-2")
			.concatMap((item) -> RequestContextRestoring.mono(Mono.just(item).map(record("inside")),
					RequestIdContext.of(item)))
			.map(record("after"));
		StepVerifier.create(within("outer", items)).expectNextCount(2).expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("inside:item-1:item-1", "after:outer:outer", "inside:item-2:item-2",
				"after:outer:outer");
		assertThat(RequestIdContextHolder.current()).isNull();
	}

	@Test
	void aRestoredChainHoppingThreadsKeepsItsContextAndHandsTheSubscribersBack() {
		Mono<String> hopping = RequestContextRestoring
			.mono(Mono.just("x").publishOn(Schedulers.parallel()).map(record("inside")), RequestIdContext.of("item"))
			.map(record("after"));
		StepVerifier.create(within("outer", hopping)).expectNext("x").expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("inside:item:item", "after:outer:outer");
	}

	@Test
	void servingARequestKeepsItsContextForTheServerThatSubscribedWithout() {
		Mono<String> served = RequestContextRestoring
			.serving(Mono.just("x").publishOn(Schedulers.parallel()).map(record("inside")),
					RequestIdContext.of("served"))
			.map(record("server"));
		StepVerifier.create(served).expectNext("x").expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("inside:served:served", "server:served:served");
		assertThat(RequestIdContextHolder.current()).isNull();
	}

	@Test
	void aLibraryMadeMonoSignallingUnderAnotherContextRestoresTheSubscribers() {
		Mono<String> library = new LibraryMono(this.foreign, RequestIdContext.of("request-a"));
		Mono<String> chain = library.map(record("first")).map(record("second"));
		StepVerifier.create(within("request-b", chain))
			.expectNext("library")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("first:request-b:request-b", "second:request-b:request-b");
	}

	@Test
	void aSourceAssembledBeforeTheHooksRestoresTheSubscribersContextAtTheFirstOperatorOnIt() {
		this.propagation.uninstall();
		Mono<String> early = Mono.create((sink) -> emitUnder("request-a", () -> sink.success("early")));
		Flux<String> earlyShared = Flux.<String>create((sink) -> {
			sink.next("1");
			sink.complete();
		}).share();
		this.propagation.install();
		StepVerifier.create(within("request-b", early.map(record("early"))))
			.expectNext("early")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(within("request-b", earlyShared.map(record("shared"))))
			.expectNext("1")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("early:request-b:request-b", "shared:request-b:request-b");
	}

	@Test
	void aFuseableSinkWithAFuseableOperatorOnItStillDeliversEveryValue() {
		Sinks.Many<Integer> unicast = Sinks.many().unicast().onBackpressureBuffer();
		Flux<Integer> doubled = unicast.asFlux().map((value) -> value * 2).filter((value) -> value > 0);
		unicast.tryEmitNext(1).orThrow();
		unicast.tryEmitNext(2).orThrow();
		unicast.tryEmitComplete().orThrow();
		StepVerifier.create(doubled).expectNext(2, 4).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void inAutomaticModeSharedUpstreamsStillDeliverInEachSubscribersContext() {
		this.propagation.uninstall();
		ReactorContextPropagation automatic = new ReactorContextPropagation(true);
		automatic.install();
		try {
			Sinks.Many<String> source = Sinks.many().multicast().onBackpressureBuffer();
			Flux<String> shared = source.asFlux().take(1).publish().autoConnect(2);
			CountDownLatch subscribed = new CountDownLatch(2);
			Flux<String> a = within("request-a", shared.doOnSubscribe((s) -> subscribed.countDown()).map(record("a")));
			Flux<String> b = within("request-b", shared.doOnSubscribe((s) -> subscribed.countDown()).map(record("b")));
			StepVerifier.create(Flux.merge(a, b))
				.then(() -> awaitQuietly(subscribed))
				.then(() -> emitUnder("request-c", () -> source.tryEmitNext("1").orThrow()))
				.expectNextCount(2)
				.expectComplete()
				.verify(Duration.ofSeconds(5));
			assertThat(this.seen).containsExactlyInAnyOrder("a:request-a:request-a", "b:request-b:request-b");
		}
		finally {
			automatic.uninstall();
			this.propagation.install();
		}
	}

	// The operators that subscribe to publishers handed to them go without a restoring
	// step after them only where those publishers are known to deliver in their
	// subscriber's context.

	static Stream<Arguments> operatorsOnAnUnseenPublisher() {
		return Stream.of(operator("flatMap", (unseen) -> Mono.just("request").flatMap((ignored) -> unseen)),
				operator("onErrorResume",
						(unseen) -> Mono.<String>error(new IllegalStateException("resume"))
							.onErrorResume((error) -> unseen)),
				operator("defer", (unseen) -> Mono.defer(() -> unseen)),
				operator("deferContextual", (unseen) -> Mono.deferContextual((view) -> unseen)),
				operator("then", (unseen) -> Mono.just(1).then(unseen)),
				operator("then after then", (unseen) -> Mono.just(1).then(Mono.just(2)).then(unseen)),
				operator("switchIfEmpty", (unseen) -> Mono.<String>empty().switchIfEmpty(unseen)),
				operator("zip", (unseen) -> Mono.zip(Mono.just("a"), unseen).map((pair) -> pair.getT2())),
				operator("concat", (unseen) -> Flux.concat(Mono.<String>empty(), unseen).next()),
				operator("concatMap", (unseen) -> Flux.just("request").concatMap((ignored) -> unseen).next()));
	}

	private static Arguments operator(String name, Function<Mono<String>, Mono<String>> operator) {
		return Arguments.of(name, operator);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("operatorsOnAnUnseenPublisher")
	void aSinkEmittedIntoUnderAnotherRequestStillDeliversInTheSubscribersContext(String name,
			Function<Mono<String>, Mono<String>> operator) {
		Sinks.One<String> reply = Sinks.one();
		Mono<String> chain = operator.apply(reply.asMono()).map(record("after"));
		StepVerifier.create(within("request-b", chain))
			.then(() -> emitUnder("request-a", () -> reply.tryEmitValue("reply").orThrow()))
			.expectNext("reply")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("after:request-b:request-b");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("operatorsOnAnUnseenPublisher")
	void aLibrarysPublisherSignallingUnderAnotherRequestStillDeliversInTheSubscribersContext(String name,
			Function<Mono<String>, Mono<String>> operator) {
		Mono<String> chain = operator.apply(new LibraryMono(this.foreign, RequestIdContext.of("request-a")))
			.map(record("after"));
		StepVerifier.create(within("request-b", chain))
			.expectNext("library")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("after:request-b:request-b");
	}

	@Test
	void everyInnerOperatorTheHookHandlesIsWithinReachOnThisReactorVersion() {
		// A Reactor upgrade that renames their fields would bring the steps back: say so
		// here.
		assertThat(Stream
			.of("MonoFlatMap", "MonoOnErrorResume", "MonoDefer", "MonoDeferContextual", "FluxConcatMapNoPrefetch",
					"MonoIgnoreThen", "FluxConcatArray", "MonoZip", "MonoSwitchIfEmpty")
			.filter((name) -> InnerOperators.of(name) == null)).isEmpty();
	}

	@Test
	void theSourcesOfReactorsOperatorBaseClassesAreReadFromTheirFields() {
		Mono<Integer> mono = Mono.just(1);
		Flux<Integer> flux = Flux.just(1, 2);
		// MonoOperator, FluxOperator, MonoFromFluxOperator, FluxFromMonoOperator.
		assertThat(InnerOperators.sourceOf(mono.map((value) -> value))).isSameAs(mono);
		assertThat(InnerOperators.sourceOf(flux.map((value) -> value))).isSameAs(flux);
		assertThat(InnerOperators.sourceOf(flux.collectList())).isSameAs(flux);
		Mono<Integer> hidden = mono.hide();
		assertThat(InnerOperators.sourceOf(hidden.flux())).isSameAs(hidden);
		// Anything else is asked through Scannable.
		assertThat(InnerOperators.sourceOf(mono)).isSameAs(InnerOperators.UNKNOWN);
		assertThat(RequestContextHooks.parentOf(Mono.from(flux.hide()))).isNotNull();
	}

	@Test
	void operatorsWhosePublishersAreKnownGetNoRestoringStep() {
		Mono<Integer> known = Mono.just(1).map((value) -> value + 1);
		// Rebuilt around a guarded function: the operator itself, nothing after it.
		assertThat(Mono.just(1).flatMap((value) -> known).getClass().getSimpleName()).isEqualTo("MonoFlatMap");
		assertThat(Mono.<Integer>error(new IllegalStateException())
			.onErrorResume((error) -> known)
			.getClass()
			.getSimpleName()).isEqualTo("MonoOnErrorResume");
		assertThat(Mono.defer(() -> known).getClass().getSimpleName()).isEqualTo("MonoDefer");
		assertThat(Mono.deferContextual((view) -> known).getClass().getSimpleName()).isEqualTo("MonoDeferContextual");
		assertThat(Flux.just(1).concatMap((value) -> known).getClass().getSimpleName())
			.isEqualTo("FluxConcatMapNoPrefetch");
		// Checked at assembly: a pass-through publisher, which no signal crosses.
		assertThat(Mono.just(0).then(known).getClass().getSimpleName()).isEqualTo("CheckedMono");
		assertThat(Mono.<Integer>empty().switchIfEmpty(known).getClass().getSimpleName()).isEqualTo("CheckedMono");
		assertThat(Mono.zip(known, known).getClass().getSimpleName()).isEqualTo("CheckedMono");
		assertThat(Flux.concat(known, known).getClass().getSimpleName()).isEqualTo("CheckedFlux");
	}

	@Test
	void operatorsOnAnUnseenPublisherKeepTheirRestoringStep() {
		Mono<String> unseen = Sinks.<String>one().asMono();
		assertThat(Mono.just(0).then(unseen)).isInstanceOf(RestoringPublisher.class);
		assertThat(Mono.just(0).then(unseen).getClass().getSimpleName()).isEqualTo("RestoringMono");
		assertThat(Mono.<String>empty().switchIfEmpty(unseen).getClass().getSimpleName()).isEqualTo("RestoringMono");
		assertThat(Mono.zip(Mono.just("a"), unseen).getClass().getSimpleName()).isEqualTo("RestoringMono");
	}

	private <T> Function<T, T> record(String step) {
		return (value) -> {
			this.seen.add(step + ":" + RequestIdContextHolder.currentRequestId() + ":" + MDC.get("requestId"));
			return value;
		};
	}

	private static <T> Flux<T> within(String requestId, Flux<T> flux) {
		return flux.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of(requestId)));
	}

	private static <T> Mono<T> within(String requestId, Mono<T> mono) {
		return mono.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of(requestId)));
	}

	private static void emitUnder(String requestId, Runnable emission) {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
			.open((requestId != null) ? RequestIdContext.of(requestId) : null)) {
			emission.run();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A {@code Mono} made by a library, outside {@code reactor.core.publisher}, that
	 * signals from its own thread while that thread serves another request.
	 */
	private static final class LibraryMono extends Mono<String> {

		private final ExecutorService thread;

		private final RequestIdContext threadsContext;

		LibraryMono(ExecutorService thread, RequestIdContext threadsContext) {
			this.thread = thread;
			this.threadsContext = threadsContext;
		}

		@Override
		public void subscribe(CoreSubscriber<? super String> actual) {
			actual.onSubscribe(Operators.emptySubscription());
			this.thread.execute(() -> emitUnder(this.threadsContext.requestId(), () -> {
				actual.onNext("library");
				actual.onComplete();
			}));
		}

	}

}
