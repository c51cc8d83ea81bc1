package dev.contextstarter.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * The cost of opening and closing a context scope when the thread already holds that
 * context, which is what automatic propagation does on most hops within one request. Our
 * holder skips the MDC when nothing changes; {@link #naiveMdcRewrite()} shows what
 * rewriting it would cost, and {@link #switchContext()} what a real change costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
@State(Scope.Thread)
public class MdcUpdateBenchmark {

	private static final String REQUEST_ID_KEY = MdcMapping.DEFAULT_REQUEST_ID_KEY;

	private RequestIdContext current = RequestIdContext.of("unset");

	private RequestIdContext equalCopy = RequestIdContext.of("unset");

	private RequestIdContext other = RequestIdContext.of("unset");

	private RequestIdContextHolder.Scope outer = RequestIdContextHolder.open(null);

	@Setup(Level.Trial)
	public void setUp() {
		RandomUuidGenerator generator = new RandomUuidGenerator();
		String requestId = generator.generateId();
		this.current = RequestIdContext.of(requestId);
		// Same values, another instance: what arrives after a context snapshot is
		// rebuilt.
		this.equalCopy = RequestIdContext.of(new String(requestId));
		this.other = RequestIdContext.of(generator.generateId());
		this.outer.close();
		this.outer = RequestIdContextHolder.open(this.current);
		if (!requestId.equals(MDC.get(REQUEST_ID_KEY))) {
			throw new IllegalStateException("MDC does not hold the open context");
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.outer.close();
		MDC.clear();
	}

	@Benchmark
	public void reopenSameContext() {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(this.current)) {
			// Nothing changes: the holder returns before touching the MDC.
		}
	}

	@Benchmark
	public void reopenEqualContext() {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(this.equalCopy)) {
			// Values compared key by key; no MDC write.
		}
	}

	@Benchmark
	public void naiveMdcRewrite() {
		// What an accessor without the check does on open and on restore.
		MDC.put(REQUEST_ID_KEY, this.equalCopy.requestId());
		MDC.put(REQUEST_ID_KEY, this.current.requestId());
	}

	@Benchmark
	public void switchContext() {
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(this.other)) {
			// Two real MDC writes: the other ID, then ours back.
		}
	}

}
