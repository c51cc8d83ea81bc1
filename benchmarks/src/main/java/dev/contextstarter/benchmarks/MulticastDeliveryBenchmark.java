package dev.contextstarter.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.context.ContextRegistry;
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
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;

/**
 * The cost of delivering signals through a multicast source to two subscribers of two
 * different requests, each of which reads the MDC in a step after the source, as a log
 * line would: {@value #VALUES} values through {@code publish().refCount(2)} (what
 * {@code share()} is, waiting for both subscribers), and {@value #VALUES} values emitted
 * into a multicast sink by a thread that serves a third request. Per delivered signal =
 * (mode − baseline) / {@value #DELIVERIES}.
 * <ul>
 * <li>{@code baseline}: nothing is propagated;</li>
 * <li>{@code starter}: the starter's defaults, which restore each subscriber's context
 * around every signal it receives;</li>
 * <li>{@code reactor-auto}: Reactor's automatic propagation with the starter's accessor
 * registered and none of its hooks: restores the subscriber's context at the sink, but
 * delivers the shared upstream's signals in its first subscriber's context;</li>
 * <li>{@code starter-automatic}: {@code context.reactor.automatic-propagation=true},
 * Reactor's mode with the starter's restoring steps after multicast operators on
 * top.</li>
 * </ul>
 * Each operation assembles and subscribes its chains afresh, as a request does. Setup
 * fails fast when a mode that claims to deliver every signal in its subscriber's context
 * does not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
@State(Scope.Benchmark)
public class MulticastDeliveryBenchmark {

	/** Values each source emits. */
	public static final int VALUES = 16;

	/** Signals delivered per operation: every value to both subscribers. */
	public static final int DELIVERIES = VALUES * 2;

	private static final String REQUEST_ID_KEY = MdcMapping.DEFAULT_REQUEST_ID_KEY;

	@Param({ "baseline", "starter", "reactor-auto", "starter-automatic" })
	public String mode = "baseline";

	private final RequestIdContext requestA = RequestIdContext.of("request-a");

	private final RequestIdContext requestB = RequestIdContext.of("request-b");

	private final RequestIdContext emitter = RequestIdContext.of("emitter");

	private Context contextA = Context.empty();

	private Context contextB = Context.empty();

	private @Nullable ReactorContextPropagation starterPropagation;

	private boolean reactorAutomatic;

	private final Recorder recorder = new Recorder();

	@Setup(Level.Trial)
	public void setUp() {
		switch (this.mode) {
			case "baseline" -> {
			}
			case "starter" -> install(false);
			case "starter-automatic" -> install(true);
			case "reactor-auto" -> {
				ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestContextAccessor());
				Hooks.enableAutomaticContextPropagation();
				this.reactorAutomatic = true;
			}
			default -> throw new IllegalArgumentException("Unknown mode " + this.mode);
		}
		if (!"baseline".equals(this.mode)) {
			this.contextA = Context.of(RequestContextAccessor.KEY, this.requestA);
			this.contextB = Context.of(RequestContextAccessor.KEY, this.requestB);
		}
		// Fail fast if a mode does not do what it claims.
		this.recorder.checking = true;
		shareTwoSubscribers(null);
		multicastSink(null);
		this.recorder.checking = false;
		boolean restoresEverySignal = this.mode.startsWith("starter");
		if (restoresEverySignal && this.recorder.mismatches > 0) {
			throw new IllegalStateException(
					this.mode + ": " + this.recorder.mismatches + " deliveries in another context");
		}
		if ("baseline".equals(this.mode) && this.recorder.matches > 0) {
			throw new IllegalStateException("baseline: a subscriber saw its own context");
		}
	}

	private void install(boolean automatic) {
		ReactorContextPropagation propagation = new ReactorContextPropagation(automatic);
		propagation.install();
		this.starterPropagation = propagation;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.starterPropagation != null) {
			this.starterPropagation.uninstall();
		}
		if (this.reactorAutomatic) {
			Hooks.disableAutomaticContextPropagation();
			ContextRegistry.getInstance().removeThreadLocalAccessor(RequestContextAccessor.KEY);
		}
		RequestIdContextHolder.set(null);
		MDC.clear();
	}

	@Benchmark
	public void shareTwoSubscribers(@Nullable Blackhole blackhole) {
		Flux<Integer> shared = Flux.range(0, VALUES).publish().refCount(2);
		subscribe(shared, this.contextA, "request-a", blackhole);
		// The second subscription connects the upstream, which then emits in its context.
		subscribe(shared, this.contextB, "request-b", blackhole);
	}

	@Benchmark
	public void multicastSink(@Nullable Blackhole blackhole) {
		Sinks.Many<Integer> sink = Sinks.many().multicast().directBestEffort();
		subscribe(sink.asFlux(), this.contextA, "request-a", blackhole);
		subscribe(sink.asFlux(), this.contextB, "request-b", blackhole);
		RequestIdContext previous = RequestIdContextHolder.swap("baseline".equals(this.mode) ? null : this.emitter);
		try {
			for (int i = 0; i < VALUES; i++) {
				sink.tryEmitNext(i);
			}
			sink.tryEmitComplete();
		}
		finally {
			RequestIdContextHolder.set(previous);
		}
	}

	private void subscribe(Flux<Integer> source, Context context, String expected, @Nullable Blackhole blackhole) {
		source.map((value) -> {
			String requestId = MDC.get(REQUEST_ID_KEY);
			this.recorder.seen(expected, requestId);
			return (requestId != null) ? requestId.length() + value : value;
		}).contextWrite(context).subscribe((blackhole != null) ? blackhole::consume : this.recorder);
	}

	/**
	 * Counts, during setup only, whether each delivery ran in its subscriber's context.
	 */
	private static final class Recorder implements Consumer<Integer> {

		boolean checking;

		int matches;

		int mismatches;

		void seen(String expected, @Nullable String requestId) {
			if (this.checking) {
				if (expected.equals(requestId)) {
					this.matches++;
				}
				else {
					this.mismatches++;
				}
			}
		}

		@Override
		public void accept(Integer value) {
		}

	}

}
