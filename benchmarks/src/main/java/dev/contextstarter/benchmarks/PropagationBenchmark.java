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
import io.micrometer.context.ContextRegistry;
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
import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;

/**
 * The cost of carrying a request's context through a {@code Mono} with three scheduler hops and
 * a few operators, ending in a read of the MDC as a log line would do:
 * <ul>
 * <li>{@code baseline}: nothing is propagated;</li>
 * <li>{@code reactor-auto}: Reactor's automatic propagation on, the Reactor {@code Context}
 * holding an unrelated key: the floor that any {@code ThreadLocalAccessor} pays;</li>
 * <li>{@code starter}: our accessor with Reactor's automatic propagation, the
 * {@link RequestContext} put in the Reactor {@code Context};</li>
 * <li>{@code starter-alone}: as {@code starter}, with Micrometer's
 * {@code ObservationThreadLocalAccessor} (registered by {@code ServiceLoader} whenever
 * micrometer-observation is on the classpath, as it is with Spring Framework 7) taken out of the
 * {@code ContextRegistry}: shows what that accessor costs a starter user who has no
 * observations;</li>
 * <li>{@code tracing}: Micrometer Tracing over Brave with automatic propagation, an observation
 * in the Reactor {@code Context} and a baggage field correlated to the MDC, as Spring Boot wires
 * it.</li>
 * </ul>
 * {@link #threeHops()} hops between Reactor's parallel workers and blocks for the result, as
 * an application does; OS wake-ups dominate its time, so its difference between modes is noisy
 * on a busy machine, but its bytes allocated per operation are exact. {@link #threeHopsSpinning()}
 * hops to one worker that spins instead of parking and waits for the result by spinning too, so
 * the difference between modes is the CPU cost of propagation: per hop = (mode − baseline) /
 * {@value #HOPS}. Each hop there lands on a thread whose context must be set and then restored,
 * as on a real worker.
 * <p>
 * Each mode runs in its own forks (JMH forks per parameter value), so the global Reactor hooks
 * of one never leak into another.
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

	@Param({ "baseline", "reactor-auto", "starter", "starter-alone", "tracing" })
	public String mode = "baseline";

	private Context context = Context.empty();

	private final Scheduler parallelHops = Schedulers.parallel();

	private @Nullable SpinningExecutor spinningExecutor;

	private Scheduler spinningHops = Schedulers.immediate();

	private @Nullable ReactorContextPropagation starterPropagation;

	private @Nullable Tracing tracing;

	private @Nullable Observation observation;

	private ObservationRegistry previousObservationRegistry = ObservationRegistry.NOOP;

	private boolean automaticPropagationEnabled;

	private boolean observationAccessorRemoved;

	@Setup(Level.Trial)
	public void setUp() {
		String requestId = new RandomUuidGenerator().generateId();
		SpinningExecutor executor = new SpinningExecutor("spinning-hops");
		this.spinningExecutor = executor;
		this.spinningHops = Schedulers.fromExecutor(executor);
		switch (this.mode) {
			case "baseline" -> this.context = Context.empty();
			case "reactor-auto" -> setUpReactorAutomaticPropagation();
			case "starter" -> setUpStarter(requestId);
			case "starter-alone" -> {
				this.observationAccessorRemoved = ContextRegistry.getInstance()
					.removeThreadLocalAccessor(ObservationThreadLocalAccessor.KEY);
				setUpStarter(requestId);
			}
			case "tracing" -> setUpTracing(requestId);
			default -> throw new IllegalArgumentException("Unknown mode " + this.mode);
		}
		// Fail fast if a mode does not do what it claims.
		boolean expectsId = this.mode.startsWith("starter") || "tracing".equals(this.mode);
		for (String seen : new String[] { threeHops(), threeHopsSpinning() }) {
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

	private void setUpStarter(String requestId) {
		ReactorContextPropagation propagation = new ReactorContextPropagation(true);
		propagation.install();
		this.starterPropagation = propagation;
		this.context = Context.of(RequestContextAccessor.KEY, RequestContext.of(requestId));
	}

	private void setUpTracing(String requestId) {
		// What Boot's BraveAutoConfiguration builds for one remote baggage field correlated to the MDC.
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
		if (this.observationAccessorRemoved) {
			ContextRegistry.getInstance().registerThreadLocalAccessor(ObservationThreadLocalAccessor.getInstance());
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
		SpinWaitingSubscriber subscriber = new SpinWaitingSubscriber();
		chain(this.spinningHops).subscribe(subscriber);
		return subscriber.await();
	}

	private Mono<String> chain(Scheduler hops) {
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
			})
			.contextWrite(this.context);
	}

}
