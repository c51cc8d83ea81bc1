package dev.contextstarter.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reports the benchmark JVM's CPU time (all threads, user + system) per operation as
 * {@code cpu.time.norm}. Wall-clock time per operation also counts time spent waiting for
 * a core; CPU time does not (though cache and wake-up costs on a busy machine still
 * inflate it). Use with {@code -prof
 * dev.contextstarter.benchmarks.CpuTimeProfiler} (run-jmh.sh adds it). Spinning threads
 * count their spinning, so read it for benchmarks whose threads park.
 */
public class CpuTimeProfiler implements InternalProfiler {

	private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private long startCpuNanos;

	@Override
	public String getDescription() {
		return "Process CPU time per operation";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.startCpuNanos = this.os.getProcessCpuTime();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		long cpuNanos = this.os.getProcessCpuTime() - this.startCpuNanos;
		long operations = result.getMetadata().getAllOps();
		if (operations <= 0) {
			return List.of();
		}
		return List
			.of(new ScalarResult("cpu.time.norm", (double) cpuNanos / operations, "ns/op", AggregationPolicy.AVG));
	}

}
