package dev.contextstarter.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.contextstarter.requestid.reactor.ReactorContextPropagation;

/**
 * What the starter's assembly hook adds to assembling one operator: a WebFlux request
 * assembles about 77 of them, 34 of which subscribe to publishers handed to them
 * ({@code flatMap}, {@code then}, {@code defer}, {@code switchIfEmpty} ...), so a
 * regression here shows in every request. {@code none}: no hooks; {@code hooks}: the
 * starter's hooks installed. The operator is assembled on a plain {@code Mono}, as most
 * are.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
@State(Scope.Benchmark)
public class OperatorAssemblyBenchmark {

	@Param({ "none", "hooks" })
	public String mode = "none";

	private final Mono<Integer> known = Mono.just(1);

	private final Function<Integer, Mono<Integer>> toKnown = (value) -> this.known;

	private @Nullable ReactorContextPropagation propagation;

	@Setup(Level.Trial)
	public void setUp() {
		if ("hooks".equals(this.mode)) {
			ReactorContextPropagation installed = new ReactorContextPropagation(false);
			installed.install();
			this.propagation = installed;
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.propagation != null) {
			this.propagation.uninstall();
		}
	}

	/** An operator that subscribes to nothing but its source. */
	@Benchmark
	public Mono<Integer> map() {
		return this.known.map((value) -> value);
	}

	/** Rebuilt around a guarded function by the hook. */
	@Benchmark
	public Mono<Integer> flatMap() {
		return this.known.flatMap(this.toKnown);
	}

	/** Rebuilt around a guarded supplier by the hook. */
	@Benchmark
	public Mono<Integer> defer() {
		return Mono.defer(() -> this.known);
	}

	/** Its publishers checked by the hook at assembly. */
	@Benchmark
	public Mono<Integer> then() {
		return this.known.then(this.known);
	}

	/**
	 * A chain of the kinds a WebFlux request assembles, mixed: one call site of the hook
	 * sees them all, as in an application (where the JIT cannot specialise it to one
	 * kind).
	 */
	@Benchmark
	public Mono<Integer> mixedChain() {
		Mono<Integer> handled = this.known.flatMap(this.toKnown)
			.onErrorResume((error) -> this.known)
			.map((value) -> value + 1)
			.switchIfEmpty(this.known)
			.then(Mono.defer(() -> this.known))
			.doOnNext((value) -> {
			})
			.flatMap((value) -> Mono.zip(this.known, this.known).map((pair) -> pair.getT1()))
			.onErrorResume((error) -> Mono.deferContextual((view) -> this.known));
		return Flux.concat(handled, this.known).concatMap(this.toKnown).next().then(this.known);
	}

	/** Its source and fallback checked by the hook at assembly. */
	@Benchmark
	public Mono<Integer> switchIfEmpty() {
		return this.known.switchIfEmpty(this.known);
	}

}
