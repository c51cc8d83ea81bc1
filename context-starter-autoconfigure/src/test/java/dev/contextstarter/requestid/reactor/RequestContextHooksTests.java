package dev.contextstarter.requestid.reactor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

class RequestContextHooksTests {

	private final ReactorContextPropagation propagation = new ReactorContextPropagation(false);

	private final ExecutorService foreign = Executors.newSingleThreadExecutor((task) -> new Thread(task, "foreign"));

	@BeforeEach
	void install() {
		this.propagation.install();
	}

	@AfterEach
	void uninstall() {
		this.propagation.uninstall();
		this.foreign.shutdownNow();
		RequestIdContextHolder.set(null);
		MDC.clear();
	}

	@Test
	void everyHopRunsWithTheContextCurrentWhereItWasScheduled() {
		Scheduler single = Schedulers.newSingle("hops");
		try {
			List<String> seen = new CopyOnWriteArrayList<>();
			Mono<String> hops;
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("hop-1"))) {
				hops = Mono.just("x")
					.publishOn(Schedulers.parallel())
					.doOnNext((x) -> seen.add("parallel:" + MDC.get("requestId")))
					.delayElement(Duration.ofMillis(1))
					.doOnNext((x) -> seen.add("delay:" + RequestIdContextHolder.currentRequestId()))
					.publishOn(single)
					.map((x) -> "single:" + RequestIdContextHolder.currentRequestId());
				// Subscribed inside the scope, as a request's chain is.
				StepVerifier.create(hops).expectNext("single:hop-1").expectComplete().verify(Duration.ofSeconds(5));
			}
			assertThat(seen).containsExactly("parallel:hop-1", "delay:hop-1");
			// The worker is back to no context once the task is done.
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.subscribeOn(single)
				.block(Duration.ofSeconds(5))).isEqualTo("null");
		}
		finally {
			single.dispose();
		}
	}

	@Test
	void tasksScheduledWithoutAContextAreNotWrapped() {
		Runnable task = () -> {
		};
		assertThat(RequestContextHooks.decorateTask(task)).isSameAs(task);
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("wrap-1"))) {
			assertThat(RequestContextHooks.decorateTask(task)).isNotSameAs(task);
		}
	}

	@Test
	void aFutureCompletedOnAForeignThreadRestoresTheSubscribersContext() {
		CompletableFuture<String> future = new CompletableFuture<>();
		Mono<String> afterFuture = Mono.fromFuture(future)
			.map((done) -> Thread.currentThread().getName() + ":" + RequestIdContextHolder.currentRequestId() + ":"
					+ MDC.get("requestId"))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of("future-1")));
		// Completed on the foreign thread once subscribed, however slow the machine.
		StepVerifier.create(afterFuture)
			.then(() -> this.foreign.execute(() -> future.complete("done")))
			.expectNext("foreign:future-1:future-1")
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(currentOnForeignThread()).isEqualTo("null");
	}

	@Test
	void createdSourcesEmittingFromAForeignThreadRestoreTheContextOfTheSubscribingThread() {
		Mono<String> created;
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("create-1"))) {
			created = Mono.<String>create((sink) -> this.foreign.execute(() -> sink.success("x")))
				.map((x) -> String.valueOf(RequestIdContextHolder.currentRequestId()));
			StepVerifier.create(created).expectNext("create-1").expectComplete().verify(Duration.ofSeconds(5));
		}
		Flux<String> pushed = Flux.<String>create((sink) -> this.foreign.execute(() -> {
			sink.next("a");
			sink.complete();
		}))
			.map((x) -> String.valueOf(RequestIdContextHolder.currentRequestId()))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of("create-2")));
		StepVerifier.create(pushed).expectNext("create-2").expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void aPublisherFromAnotherLibraryRestoresTheContextButReactorsOwnAreLeftAlone() {
		Publisher<String> library = (subscriber) -> subscriber.onSubscribe(new Subscription() {

			private boolean done;

			@Override
			public void request(long n) {
				if (!this.done) {
					this.done = true;
					RequestContextHooksTests.this.foreign.execute(() -> {
						subscriber.onNext("a");
						subscriber.onComplete();
					});
				}
			}

			@Override
			public void cancel() {
				this.done = true;
			}

		});
		Flux<String> fromLibrary = Flux.from(library)
			.map((x) -> String.valueOf(RequestIdContextHolder.currentRequestId()))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestIdContext.of("library-1")));
		StepVerifier.create(fromLibrary).expectNext("library-1").expectComplete().verify(Duration.ofSeconds(5));

		Flux<String> reactors = Flux.just("a", "b");
		assertThat(Mono.from(reactors).getClass().getName()).doesNotContain("Restoring");
	}

	@Test
	void restoringPublisherCarriesRequestsAndCancellationUpstreamInTheContextAndDownstreamInTheSubscribers() {
		RequestIdContext context = RequestIdContext.of("restoring-1");
		List<String> upstream = new CopyOnWriteArrayList<>();
		Flux<Integer> source = Flux.range(1, 3)
			.doOnRequest((n) -> upstream.add("request:" + RequestIdContextHolder.currentRequestId()))
			.doOnCancel(() -> upstream.add("cancel:" + RequestIdContextHolder.currentRequestId()));
		List<String> downstream = new CopyOnWriteArrayList<>();
		RequestContextRestoring.flux(source, context).subscribe(new Subscriber<>() {

			private Subscription subscription;

			@Override
			public void onSubscribe(Subscription subscription) {
				this.subscription = subscription;
				RequestIdContextHolder.set(null);
				subscription.request(1);
			}

			@Override
			public void onNext(Integer value) {
				downstream.add(value + ":" + RequestIdContextHolder.currentRequestId());
				this.subscription.cancel();
			}

			@Override
			public void onError(Throwable error) {
			}

			@Override
			public void onComplete() {
			}

		});
		assertThat(upstream).containsExactly("request:restoring-1", "cancel:restoring-1");
		// As with contextWrite, the subscriber (which has no context) gets none.
		assertThat(downstream).containsExactly("1:null");
		assertThat(RequestIdContextHolder.current()).isNull();
	}

	@Test
	void automaticPropagationEndsWithTheLastInstallationThatAskedForItWhileOthersRemain() {
		ReactorContextPropagation automatic = new ReactorContextPropagation(true);
		automatic.install();
		assertThat(Hooks.isAutomaticContextPropagationEnabled()).isTrue();
		automatic.uninstall();
		assertThat(Hooks.isAutomaticContextPropagationEnabled()).isFalse();
		// The installation without it keeps its hooks.
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("remains-1"))) {
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(5))).isEqualTo("remains-1");
		}
	}

	@Test
	void uninstallRemovesTheHooks() {
		this.propagation.uninstall();
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("gone-1"))) {
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(5))).isEqualTo("null");
		}
	}

	private String currentOnForeignThread() {
		return CompletableFuture
			.supplyAsync(() -> String.valueOf(RequestIdContextHolder.currentRequestId()), this.foreign)
			.join();
	}

}
