package dev.contextstarter.benchmarks;

import java.util.concurrent.TimeUnit;

import brave.Tracing;
import brave.handler.SpanHandler;
import brave.baggage.BaggageField;
import brave.baggage.BaggagePropagation;
import brave.baggage.BaggagePropagationConfig;
import brave.baggage.CorrelationScopeConfig;
import brave.context.slf4j.MDCScopeDecorator;
import brave.propagation.B3Propagation;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;
import dev.contextstarter.requestid.reactor.RequestContextRestoring;

/**
 * The cost of carrying a request's context through a {@code Mono} with three scheduler
 * hops and a few operators, ending in a read of the MDC as a log line would do:
 * <ul>
 * <li>{@code baseline}: nothing is propagated;</li>
 * <li>{@code reactor-auto}: Reactor's automatic propagation on, the Reactor
 * {@code Context} holding an unrelated key: the floor that any
 * {@code ThreadLocalAccessor} pays;</li>
 * <li>{@code starter}: the starter with its defaults: its own scheduler hook carries the
 * {@link RequestIdContext}, and the chain is subscribed and signalled inside the context
 * (and has it in its Reactor {@code Context}) as {@code RequestContextHttpHandler} does
 * for each request;</li>
 * <li>{@code starter-automatic}: as {@code starter}, with
 * {@code context.reactor.automatic-propagation=true}, which adds Reactor's automatic
 * propagation (the starter's default before its own hooks, kept here as the before
 * figure);</li>
 * <li>{@code tracing}: Micrometer Tracing over Brave with automatic propagation, an
 * observation in the Reactor {@code Context} and a baggage field correlated to the MDC,
 * as Spring Boot wires it.</li>
 * </ul>
 * {@link #threeHops()} hops between Reactor's parallel workers and blocks for the result,
 * as an application does; OS wake-ups dominate its time, so its difference between modes
 * is noisy on a busy machine, but its bytes allocated per operation are exact.
 * {@link #threeHopsSpinning()} hops to one worker that spins instead of parking and waits
 * for the result by spinning too, so a hop costs a cache-line transfer rather than a
 * wake-up; on this 2-core virtual machine the speed of that transfer still differs
 * between forks by more than a microsecond. {@link #threeHopsOneThread()} hops to a
 * {@link DrainedExecutor} on the benchmark thread: each hop lands on a thread without the
 * context, which must be set and then cleared, as on a real worker, but without any
 * hand-off, so the difference between modes is the CPU cost of propagation: per hop =
 * (mode − baseline) / {@value #HOPS}.
 * <p>
 * Each mode runs in its own forks (JMH forks per parameter value), so the global Reactor
 * hooks of one never leak into another.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
@State(Scope.Benchmark)
public class PropagationBenchmark {

	/** Scheduler hops in the measured chain. */
	public static final int HOPS = 3;

	private static final String REQUEST_ID_KEY = MdcMapping.DEFAULT_REQUEST_ID_KEY;

	@Param({ "baseline", "reactor-auto", "starter", "starter-automatic", "tracing" })
	public String mode = "baseline";

	private Context context = Context.empty();

	private final Scheduler parallelHops = Schedulers.parallel();

	private @Nullable SpinningExecutor spinningExecutor;

	private Scheduler spinningHops = Schedulers.immediate();

	private final DrainedExecutor drainedExecutor = new DrainedExecutor();

	private final Scheduler drainedHops = Schedulers.fromExecutor(this.drainedExecutor);

	private @Nullable ReactorContextPropagation starterPropagation;

	private @Nullable Tracing tracing;

	private @Nullable Observation observation;

	private ObservationRegistry previousObservationRegistry = ObservationRegistry.NOOP;

	private boolean automaticPropagationEnabled;

	private @Nullable RequestIdContext requestContext;

	@Setup(Level.Trial)
	public void setUp() {
		String requestId = new RandomUuidGenerator().generateId();
		SpinningExecutor executor = new SpinningExecutor("spinning-hops");
		this.spinningExecutor = executor;
		this.spinningHops = Schedulers.fromExecutor(executor);
		switch (this.mode) {
			case "baseline" -> this.context = Context.empty();
			case "reactor-auto" -> setUpReactorAutomaticPropagation();
			case "starter" -> setUpStarter(requestId, false);
			case "starter-automatic" -> setUpStarter(requestId, true);
			case "tracing" -> setUpTracing(requestId);
			default -> throw new IllegalArgumentException("Unknown mode " + this.mode);
		}
		// Fail fast if a mode does not do what it claims.
		boolean expectsId = this.mode.startsWith("starter") || "tracing".equals(this.mode);
		for (String seen : new String[] { threeHops(), threeHopsSpinning(), threeHopsOneThread() }) {
			if (expectsId != requestId.equals(seen)) {
				throw new IllegalStateException(this.mode + ": MDC after three hops held '" + seen + "'");
			}
		}
	}

	private void setUpReactorAutomaticPropagation() {
		Hooks.enableAutomaticContextPropagation();
		this.automaticPropagationEnabled = true;
		this.context = Context.of("unrelated-key", "value");
	}

	private void setUpStarter(String requestId, boolean automaticPropagation) {
		ReactorContextPropagation propagation = new ReactorContextPropagation(automaticPropagation);
		propagation.install();
		this.starterPropagation = propagation;
		RequestIdContext requestContext = RequestIdContext.of(requestId);
		this.requestContext = requestContext;
		this.context = Context.of(RequestContextAccessor.KEY, requestContext);
	}

	private void setUpTracing(String requestId) {
		// What Boot's BraveAutoConfiguration builds for one remote baggage field
		// correlated to the MDC.
		BaggageField requestIdField = BaggageField.create(REQUEST_ID_KEY);
		ThreadLocalCurrentTraceContext braveContext = ThreadLocalCurrentTraceContext.newBuilder()
			.addScopeDecorator(MDCScopeDecorator.newBuilder()
				.add(CorrelationScopeConfig.SingleCorrelationField.newBuilder(requestIdField).flushOnUpdate().build())
				.build())
			.build();
		Tracing tracing = Tracing.newBuilder()
			.currentTraceContext(braveContext)
			.propagationFactory(BaggagePropagation.newFactoryBuilder(B3Propagation.FACTORY)
				.add(BaggagePropagationConfig.SingleBaggageField.remote(requestIdField))
				.build())
			.sampler(Sampler.ALWAYS_SAMPLE)
			.addSpanHandler(new SpanHandler() {
				// Spans go nowhere, as with no exporter configured.
			})
			.build();
		this.tracing = tracing;
		BraveTracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(braveContext),
				new BraveBaggageManager());
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
		this.previousObservationRegistry = ObservationThreadLocalAccessor.getInstance().getObservationRegistry();
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(registry);
		Observation observation = Observation.start("http.server.requests", registry);
		try (Observation.Scope scope = observation.openScope()) {
			requestIdField.updateValue(requestId);
		}
		this.observation = observation;
		Hooks.enableAutomaticContextPropagation();
		this.automaticPropagationEnabled = true;
		this.context = Context.of(ObservationThreadLocalAccessor.KEY, observation);
	}

	@TearDown(Level.Trial)
	public void tearDown() throws InterruptedException {
		if (this.spinningExecutor != null) {
			this.spinningExecutor.close();
		}
		if (this.starterPropagation != null) {
			this.starterPropagation.uninstall();
		}
		if (this.observation != null) {
			this.observation.stop();
			ObservationThreadLocalAccessor.getInstance().setObservationRegistry(this.previousObservationRegistry);
		}
		if (this.automaticPropagationEnabled) {
			Hooks.disableAutomaticContextPropagation();
		}
		if (this.tracing != null) {
			this.tracing.close();
		}
		MDC.clear();
	}

	@Benchmark
	public @Nullable String threeHops() {
		return chain(this.parallelHops).block();
	}

	@Benchmark
	public String threeHopsSpinning() {
		SpinWaitingSubscriber<String> subscriber = new SpinWaitingSubscriber<>();
		chain(this.spinningHops).subscribe(subscriber);
		return subscriber.await("");
	}

	@Benchmark
	public String threeHopsOneThread() {
		SpinWaitingSubscriber<String> subscriber = new SpinWaitingSubscriber<>();
		chain(this.drainedHops).subscribe(subscriber);
		this.drainedExecutor.drain();
		return subscriber.await("");
	}

	private Mono<String> chain(Scheduler hops) {
		Mono<String> chain = hops(hops).contextWrite(this.context);
		// What the starter's HTTP handler does once per request.
		return (this.requestContext != null) ? RequestContextRestoring.serving(chain, this.requestContext) : chain;
	}

	private Mono<String> hops(Scheduler hops) {
		return Mono.fromSupplier(() -> "payload")
			.publishOn(hops)
			.map(String::length)
			.publishOn(hops)
			.filter((length) -> length > 0)
			.map((length) -> length * 31)
			.publishOn(hops)
			.map((ignored) -> {
				String requestId = MDC.get(REQUEST_ID_KEY);
				return (requestId != null) ? requestId : "";
			});
	}

}
