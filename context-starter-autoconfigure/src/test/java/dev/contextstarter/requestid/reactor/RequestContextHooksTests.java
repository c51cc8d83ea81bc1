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

import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;

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
		RequestContextHolder.set(null);
		MDC.clear();
	}

	@Test
	void everyHopRunsWithTheContextCurrentWhereItWasScheduled() {
		Scheduler single = Schedulers.newSingle("hops");
		try {
			List<String> seen = new CopyOnWriteArrayList<>();
			Mono<String> hops;
			try (RequestContextHolder.Scope scope = RequestContextHolder.open(RequestContext.of("hop-1"))) {
				hops = Mono.just("x")
					.publishOn(Schedulers.parallel())
					.doOnNext((x) -> seen.add("parallel:" + MDC.get("requestId")))
					.delayElement(Duration.ofMillis(1))
					.doOnNext((x) -> seen.add("delay:" + RequestContextHolder.currentRequestId()))
					.publishOn(single)
					.map((x) -> "single:" + RequestContextHolder.currentRequestId());
				// Subscribed inside the scope, as a request's chain is.
				StepVerifier.create(hops).expectNext("single:hop-1").expectComplete().verify(Duration.ofSeconds(5));
			}
			assertThat(seen).containsExactly("parallel:hop-1", "delay:hop-1");
			// The worker is back to no context once the task is done.
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestContextHolder.currentRequestId()))
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
		try (RequestContextHolder.Scope scope = RequestContextHolder.open(RequestContext.of("wrap-1"))) {
			assertThat(RequestContextHooks.decorateTask(task)).isNotSameAs(task);
		}
	}

	@Test
	void aFutureCompletedOnAForeignThreadRestoresTheSubscribersContext() {
		CompletableFuture<String> future = new CompletableFuture<>();
		Mono<String> afterFuture = Mono.fromFuture(future)
			.map((done) -> Thread.currentThread().getName() + ":" + RequestContextHolder.currentRequestId() + ":"
					+ MDC.get("requestId"))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestContext.of("future-1")));
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
		try (RequestContextHolder.Scope scope = RequestContextHolder.open(RequestContext.of("create-1"))) {
			created = Mono.<String>create((sink) -> this.foreign.execute(() -> sink.success("x")))
				.map((x) -> String.valueOf(RequestContextHolder.currentRequestId()));
			StepVerifier.create(created).expectNext("create-1").expectComplete().verify(Duration.ofSeconds(5));
		}
		Flux<String> pushed = Flux.<String>create((sink) -> this.foreign.execute(() -> {
			sink.next("a");
			sink.complete();
		})).map((x) -> String.valueOf(RequestContextHolder.currentRequestId()))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestContext.of("create-2")));
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
			.map((x) -> String.valueOf(RequestContextHolder.currentRequestId()))
			.contextWrite((context) -> context.put(RequestContextAccessor.KEY, RequestContext.of("library-1")));
		StepVerifier.create(fromLibrary).expectNext("library-1").expectComplete().verify(Duration.ofSeconds(5));

		Flux<String> reactors = Flux.just("a", "b");
		assertThat(Mono.from(reactors).getClass().getName()).doesNotContain("Restoring");
	}

	@Test
	void restoringPublisherCarriesRequestsAndCancellationUpstreamInTheContextAndDownstreamInTheSubscribers() {
		RequestContext context = RequestContext.of("restoring-1");
		List<String> upstream = new CopyOnWriteArrayList<>();
		Flux<Integer> source = Flux.range(1, 3)
			.doOnRequest((n) -> upstream.add("request:" + RequestContextHolder.currentRequestId()))
			.doOnCancel(() -> upstream.add("cancel:" + RequestContextHolder.currentRequestId()));
		List<String> downstream = new CopyOnWriteArrayList<>();
		RequestContextRestoring.flux(source, context).subscribe(new Subscriber<>() {

			private Subscription subscription;

			@Override
			public void onSubscribe(Subscription subscription) {
				this.subscription = subscription;
				RequestContextHolder.set(null);
				subscription.request(1);
			}

			@Override
			public void onNext(Integer value) {
				downstream.add(value + ":" + RequestContextHolder.currentRequestId());
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
		assertThat(RequestContextHolder.current()).isNull();
	}

	@Test
	void automaticPropagationEndsWithTheLastInstallationThatAskedForItWhileOthersRemain() {
		ReactorContextPropagation automatic = new ReactorContextPropagation(true);
		automatic.install();
		assertThat(Hooks.isAutomaticContextPropagationEnabled()).isTrue();
		automatic.uninstall();
		assertThat(Hooks.isAutomaticContextPropagationEnabled()).isFalse();
		// The installation without it keeps its hooks.
		try (RequestContextHolder.Scope scope = RequestContextHolder.open(RequestContext.of("remains-1"))) {
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(5))).isEqualTo("remains-1");
		}
	}

	@Test
	void uninstallRemovesTheHooks() {
		this.propagation.uninstall();
		try (RequestContextHolder.Scope scope = RequestContextHolder.open(RequestContext.of("gone-1"))) {
			assertThat(Mono.fromCallable(() -> String.valueOf(RequestContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.parallel())
				.block(Duration.ofSeconds(5))).isEqualTo("null");
		}
	}

	private String currentOnForeignThread() {
		return CompletableFuture.supplyAsync(() -> String.valueOf(RequestContextHolder.currentRequestId()), this.foreign)
			.join();
	}

}
