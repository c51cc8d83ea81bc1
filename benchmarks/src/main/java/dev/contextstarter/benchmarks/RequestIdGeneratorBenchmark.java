package dev.contextstarter.benchmarks;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdGenerator;

/**
 * Throughput of request ID generation: {@link UUID#randomUUID()} (one shared
 * {@code SecureRandom}) against our {@link RandomUuidGenerator}, on one and on two
 * threads. Both produce the canonical 36-character string, which is what a request needs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@State(Scope.Benchmark)
public class RequestIdGeneratorBenchmark {

	private final RequestIdGenerator generator = new RandomUuidGenerator();

	@Benchmark
	@Threads(1)
	public String randomUuidOneThread() {
		return UUID.randomUUID().toString();
	}

	@Benchmark
	@Threads(1)
	public String generatorOneThread() {
		return this.generator.generateId();
	}

	@Benchmark
	@Threads(2)
	public String randomUuidTwoThreads() {
		return UUID.randomUUID().toString();
	}

	@Benchmark
	@Threads(2)
	public String generatorTwoThreads() {
		return this.generator.generateId();
	}

}
