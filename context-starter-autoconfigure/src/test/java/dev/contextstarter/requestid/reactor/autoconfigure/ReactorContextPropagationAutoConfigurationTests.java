package dev.contextstarter.requestid.reactor.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.context.ContextRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;

import static org.assertj.core.api.Assertions.assertThat;

class ReactorContextPropagationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RequestContextAutoConfiguration.class,
				ReactorContextPropagationAutoConfiguration.class));

	@Test
	void registersAccessorAndHooksUntilTheContextCloses() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactorContextPropagation.class);
			assertThat(registered()).isTrue();
			assertThat(Hooks.isAutomaticContextPropagationEnabled()).isFalse();
			assertThat(hopsFromAScope("hooks-1")).isEqualTo("hooks-1");
			assertThat(afterAForeignFuture("future-1")).isEqualTo("future-1");
		});
		assertThat(registered()).isFalse();
		// The hooks are gone: a hop no longer carries the context.
		assertThat(hopsFromAScope("after-close")).isEqualTo("null");
		assertThat(afterAForeignFuture("after-close")).isEqualTo("null");
	}

	@Test
	void automaticPropagationCanBeTurnedOnAsWell() {
		this.contextRunner.withPropertyValues("context.reactor.automatic-propagation=true").run((context) -> {
			assertThat(registered()).isTrue();
			assertThat(Hooks.isAutomaticContextPropagationEnabled()).isTrue();
			// Reactor now restores the context from the Reactor Context at every
			// operator.
			String seen = Mono.fromCallable(() -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.boundedElastic())
				.publishOn(Schedulers.parallel())
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestIdContext.of("reactor-1")))
				.block();
			assertThat(seen).isEqualTo("reactor-1");
			assertThat(hopsFromAScope("auto-1")).isEqualTo("auto-1");
		});
		assertThat(Hooks.isAutomaticContextPropagationEnabled()).isFalse();
	}

	@Test
	void automaticPropagationLeavesNoContextOnTheWorkersItHoppedTo() {
		this.contextRunner.withPropertyValues("context.reactor.automatic-propagation=true").run((context) -> {
			Map<String, Thread> workers = new ConcurrentHashMap<>();
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("auto-2"))) {
				String seen = Mono.fromCallable(() -> {
					workers.put("subscribeOn", Thread.currentThread());
					return String.valueOf(RequestIdContextHolder.currentRequestId());
				}).subscribeOn(Schedulers.boundedElastic()).publishOn(Schedulers.parallel()).map((id) -> {
					workers.put("publishOn", Thread.currentThread());
					return id;
				}).block();
				assertThat(seen).isEqualTo("auto-2");
			}
			// Once their tasks end, the workers no longer hold this request's context.
			// Whatever they held before is theirs to get back: a worker may still hold
			// one
			// left by an earlier test, whose application context closed while Reactor's
			// scope on that worker was open (its restore then finds our accessor gone).
			workers.forEach((hop, worker) -> Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(RequestIdContextHolder.currentOf(worker)).as(hop + " on " + worker)
					.isNotEqualTo(RequestIdContext.of("auto-2"))));
		});
	}

	private static String hopsFromAScope(String requestId) {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of(requestId))) {
			return Mono.fromCallable(() -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.boundedElastic())
				.publishOn(Schedulers.parallel())
				.block();
		}
	}

	private static String afterAForeignFuture(String requestId) {
		ExecutorService foreign = Executors.newSingleThreadExecutor();
		try {
			return Mono
				.fromFuture(CompletableFuture.supplyAsync(() -> "done",
						CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, foreign)))
				.map((done) -> String.valueOf(RequestIdContextHolder.currentRequestId()))
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestIdContext.of(requestId)))
				.block();
		}
		finally {
			foreign.shutdownNow();
		}
	}

	@Test
	void installsTheHooksBeforeApplicationBeansAssembleTheirChains() {
		this.contextRunner.withBean(EarlyClient.class).run((context) -> {
			assertThat(context).hasNotFailed();
			String seen = context.getBean(EarlyClient.class).call
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestIdContext.of("early-1")))
				.block(Duration.ofSeconds(5));
			assertThat(seen).isEqualTo("early-1");
		});
	}

	@Test
	void anInvalidAutomaticPropagationSettingFailsAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.reactor.automatic-propagation=sometimes")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("context.reactor.automatic-propagation"));
		assertThat(registered()).isFalse();
	}

	@Test
	void backsOffWithoutContextPropagation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ContextRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactorContextPropagation.class));
	}

	@Test
	void backsOffWithoutReactor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Hooks.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactorContextPropagation.class));
	}

	@Test
	void turnedOffWithRequestIds() {
		this.contextRunner.withPropertyValues("context.request-id.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReactorContextPropagation.class));
	}

	/**
	 * A client bean that assembles its chain once, in its constructor, as clients and
	 * caches often do: a source that completes on a thread of its own, and a step after
	 * it.
	 */
	static final class EarlyClient implements AutoCloseable {

		private final ExecutorService thread = Executors.newSingleThreadExecutor();

		final Mono<String> call;

		EarlyClient() {
			this.call = Mono.<String>create((sink) -> this.thread.execute(() -> sink.success("done")))
				.map((done) -> String.valueOf(RequestIdContextHolder.currentRequestId()));
		}

		@Override
		public void close() {
			this.thread.shutdownNow();
		}

	}

	private static boolean registered() {
		return ContextRegistry.getInstance()
			.getThreadLocalAccessors()
			.stream()
			.anyMatch((accessor) -> RequestContextAccessor.KEY.equals(accessor.key()));
	}

}
