package dev.contextstarter.requestid.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators that subscribe to publishers handed to them go without a restoring step after
 * them only where those publishers are known to deliver in their subscriber's context: a sink,
 * or a library's publisher among them still gets one, so the steps after the
 * operator run in the subscriber's context.
 */
class InnerOperatorsTests {

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

	static Stream<Arguments> operatorsOnAnUnseenPublisher() {
		return Stream.of(
				operator("flatMap", (unseen) -> Mono.just("request").flatMap((ignored) -> unseen)),
				operator("onErrorResume", (unseen) -> Mono.<String>error(new IllegalStateException("resume"))
					.onErrorResume((error) -> unseen)),
				operator("defer", (unseen) -> Mono.defer(() -> unseen)),
				operator("deferContextual", (unseen) -> Mono.deferContextual((view) -> unseen)),
				operator("then", (unseen) -> Mono.just(1).then(unseen)),
				operator("then after then", (unseen) -> Mono.just(1).then(Mono.just(2)).then(unseen)),
				operator("switchIfEmpty", (unseen) -> Mono.<String>empty().switchIfEmpty(unseen)),
				operator("zip", (unseen) -> Mono.zip(Mono.just("a"), unseen).map((pair) -> pair.getT2())),
				operator("concat", (unseen) -> Flux.concat(Mono.<String>empty(), unseen).next()));
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
		Mono<String> chain = operator.apply(new LibraryMono("request-a")).map(record("after"));
		StepVerifier.create(within("request-b", chain))
			.expectNext("library")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.seen).containsExactly("after:request-b:request-b");
	}

	@Test
	void operatorsWhosePublishersAreKnownGetNoRestoringStep() {
		Mono<Integer> known = Mono.just(1).map((value) -> value + 1);
		// Rebuilt around a guarded function: the operator itself, nothing after it.
		assertThat(Mono.just(1).flatMap((value) -> known).getClass().getSimpleName()).isEqualTo("MonoFlatMap");
		assertThat(Mono.<Integer>error(new IllegalStateException()).onErrorResume((error) -> known).getClass()
			.getSimpleName()).isEqualTo("MonoOnErrorResume");
		assertThat(Mono.defer(() -> known).getClass().getSimpleName()).isEqualTo("MonoDefer");
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

	private static <T> Mono<T> within(String requestId, Mono<T> mono) {
		return mono.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of(requestId)));
	}

	private static void emitUnder(String requestId, Runnable emission) {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of(requestId))) {
			emission.run();
		}
	}

	/**
	 * A {@code Mono} made by a library, outside {@code reactor.core.publisher}, that signals
	 * from its own thread while that thread serves another request.
	 */
	private final class LibraryMono extends Mono<String> {

		private final String threadsRequestId;

		LibraryMono(String threadsRequestId) {
			this.threadsRequestId = threadsRequestId;
		}

		@Override
		public void subscribe(CoreSubscriber<? super String> actual) {
			actual.onSubscribe(Operators.emptySubscription());
			InnerOperatorsTests.this.foreign.execute(() -> emitUnder(this.threadsRequestId, () -> {
				actual.onNext("library");
				actual.onComplete();
			}));
		}

	}

}
