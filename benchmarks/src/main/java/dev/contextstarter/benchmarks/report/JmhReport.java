package dev.contextstarter.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.contextstarter.benchmarks.MulticastDeliveryBenchmark;
import dev.contextstarter.benchmarks.PropagationBenchmark;

/**
 * Turns JMH's JSON result file into a Markdown table and checks the figures against the
 * targets: propagation cost per hop over the baseline, the cost per signal delivered
 * through a multicast source, our ID generator against {@code UUID.randomUUID()} on two
 * threads, and the watchdog's cost per task where a watchdog benchmark ran. Prints the
 * target lines too.
 * <p>
 * Usage: {@code JmhReport <jmh.json> <jmh.md>}.
 */
public final class JmhReport {

	private static final String PACKAGE = "dev.contextstarter.benchmarks.";

	private JmhReport() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 2) {
			System.err.println("Usage: JmhReport <jmh.json> <jmh.md>");
			System.exit(2);
		}
		List<Result> results = read(Path.of(args[0]));
		List<String> targets = targets(results);
		StringBuilder text = new StringBuilder("# JMH results\n\n");
		text.append("| benchmark | params | threads | score | error | unit | allocated B/op | CPU ns/op |\n");
		text.append("|---|---|---:|---:|---:|---|---:|---:|\n");
		for (Result result : results) {
			text.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %s | %s | %s |%n", result.name(),
					result.params(), result.threads(), result.score(), result.error(), result.unit(),
					format(result.allocatedBytes()), format(result.cpuNanos())));
		}
		text.append("\n## Against the targets\n\n");
		targets.forEach((line) -> text.append("- ").append(line).append('\n'));
		Files.writeString(Path.of(args[1]), text);
		System.out.println();
		targets.forEach(System.out::println);
	}

	private static String format(@Nullable Double value) {
		return (value != null) ? String.format(Locale.ROOT, "%.1f", value) : "";
	}

	static List<Result> read(Path json) throws IOException {
		JsonNode root = JsonMapper.builder().build().readTree(json);
		List<Result> results = new ArrayList<>();
		for (JsonNode benchmark : root) {
			String name = benchmark.path("benchmark").asString();
			if (name.startsWith(PACKAGE)) {
				name = name.substring(PACKAGE.length());
			}
			Map<String, String> params = new TreeMap<>();
			JsonNode paramsNode = benchmark.path("params");
			paramsNode.propertyNames().forEach((key) -> params.put(key, paramsNode.path(key).asString()));
			JsonNode primary = benchmark.path("primaryMetric");
			JsonNode allocated = benchmark.path("secondaryMetrics").path("gc.alloc.rate.norm");
			JsonNode cpu = benchmark.path("secondaryMetrics").path("cpu.time.norm");
			results.add(new Result(name, params, benchmark.path("threads").asInt(), primary.path("score").asDouble(),
					primary.path("scoreError").asDouble(Double.NaN), primary.path("scoreUnit").asString(),
					allocated.isMissingNode() ? null : allocated.path("score").asDouble(),
					cpu.isMissingNode() ? null : cpu.path("score").asDouble()));
		}
		return results;
	}

	static List<String> targets(List<Result> results) {
		List<String> lines = new ArrayList<>();
		for (String method : List.of("threeHops", "threeHopsSpinning", "threeHopsOneThread")) {
			String name = "PropagationBenchmark." + method;
			Optional<Result> baseline = find(results, name, "baseline");
			if (baseline.isEmpty()) {
				continue;
			}
			for (String mode : List.of("reactor-auto", "starter", "starter-automatic", "tracing")) {
				find(results, name, mode).ifPresent((result) -> {
					double perHop = (result.score() - baseline.get().score()) / PropagationBenchmark.HOPS;
					String allocated = (result.allocatedBytes() != null && baseline.get().allocatedBytes() != null)
							? String.format(Locale.ROOT, ", %.0f B allocated per hop",
									(result.allocatedBytes() - baseline.get().allocatedBytes())
											/ PropagationBenchmark.HOPS)
							: "";
					String cpu = (result.cpuNanos() != null && baseline.get().cpuNanos() != null
							&& "threeHops".equals(method))
									? String.format(Locale.ROOT, ", %.1f ns CPU per hop",
											(result.cpuNanos() - baseline.get().cpuNanos()) / PropagationBenchmark.HOPS)
									: "";
					double errorPerHop = (result.error() + baseline.get().error()) / PropagationBenchmark.HOPS;
					String verdict = ("starter".equals(mode) && "threeHopsOneThread".equals(method))
							? verdict(perHop, errorPerHop, 100) : "";
					lines.add(String.format(Locale.ROOT, "propagation %s %s: %.1f ns per hop over baseline%s%s%s",
							method, mode, perHop, cpu, allocated, verdict));
				});
			}
		}
		for (String method : List.of("shareTwoSubscribers", "multicastSink")) {
			String name = "MulticastDeliveryBenchmark." + method;
			Optional<Result> baseline = find(results, name, "baseline");
			if (baseline.isEmpty()) {
				continue;
			}
			for (String mode : List.of("starter", "reactor-auto", "starter-automatic")) {
				find(results, name, mode).ifPresent((result) -> {
					int deliveries = MulticastDeliveryBenchmark.DELIVERIES;
					String allocated = (result.allocatedBytes() != null && baseline.get().allocatedBytes() != null)
							? String.format(Locale.ROOT, ", %.0f B allocated per delivered signal",
									(result.allocatedBytes() - baseline.get().allocatedBytes()) / deliveries)
							: "";
					lines.add(String.format(Locale.ROOT,
							"multicast %s %s: %.1f ns per delivered signal over baseline (error ±%.1f ns)%s", method,
							mode, (result.score() - baseline.get().score()) / deliveries,
							(result.error() + baseline.get().error()) / deliveries, allocated));
				});
			}
		}
		Optional<Result> uuid = find(results, "RequestIdGeneratorBenchmark.randomUuidTwoThreads", null);
		Optional<Result> ours = find(results, "RequestIdGeneratorBenchmark.generatorTwoThreads", null);
		if (uuid.isPresent() && ours.isPresent()) {
			double ratio = ours.get().score() / uuid.get().score();
			lines.add(String.format(Locale.ROOT,
					"request ID generator on 2 threads: %.2fx the throughput of UUID.randomUUID() (target ≥ 2x: %s)",
					ratio, (ratio >= 2) ? "met" : "MISSED"));
		}
		Optional<Result> uuidOne = find(results, "RequestIdGeneratorBenchmark.randomUuidOneThread", null);
		Optional<Result> oursOne = find(results, "RequestIdGeneratorBenchmark.generatorOneThread", null);
		if (uuidOne.isPresent() && oursOne.isPresent()) {
			lines.add(String.format(Locale.ROOT,
					"request ID generator on 1 thread: %.2fx the throughput of UUID.randomUUID()",
					oursOne.get().score() / uuidOne.get().score()));
		}
		for (String method : List.of("reopenSameContext", "reopenEqualContext", "naiveMdcRewrite", "switchContext")) {
			find(results, "MdcUpdateBenchmark." + method, null).ifPresent((result) -> lines
				.add(String.format(Locale.ROOT, "MDC %s: %.1f %s", method, result.score(), result.unit())));
		}
		// The watchdog's own benchmark (package watchdog): the same task with and without
		// its hook.
		Optional<Result> noHook = findParam(results, "ReactorTaskHookBenchmark.scheduleAndRunTask", "hook", "none");
		Optional<Result> watchdogHook = findParam(results, "ReactorTaskHookBenchmark.scheduleAndRunTask", "hook",
				"watchdog");
		if (noHook.isPresent() && watchdogHook.isPresent()) {
			double perTask = watchdogHook.get().score() - noHook.get().score();
			lines.add(String.format(Locale.ROOT, "watchdog: %.1f ns per task over no hook%s", perTask,
					verdict(perTask, watchdogHook.get().error() + noHook.get().error(), 50)));
		}
		return lines;
	}

	/**
	 * Met or missed only when the confidence intervals are narrower than the target; a
	 * busy machine gives errors of many microseconds, and then no verdict.
	 */
	private static String verdict(double cost, double error, double target) {
		if (Double.isNaN(error) || error > target) {
			return String.format(Locale.ROOT, " (target ≤ %.0f ns: inconclusive, error ±%s ns)", target,
					Double.isNaN(error) ? "?" : String.format(Locale.ROOT, "%.0f", error));
		}
		return String.format(Locale.ROOT, " (target ≤ %.0f ns: %s, error ±%.0f ns)", target,
				(cost <= target) ? "met" : "MISSED", error);
	}

	private static Optional<Result> find(List<Result> results, String name, @Nullable String mode) {
		return (mode != null) ? findParam(results, name, "mode", mode)
				: results.stream().filter((result) -> result.name().equals(name)).findFirst();
	}

	/**
	 * Finds by class and method name, with or without a sub-package ({@code watchdog.}).
	 */
	private static Optional<Result> findParam(List<Result> results, String name, String param, String value) {
		return results.stream()
			.filter((result) -> result.name().equals(name) || result.name().endsWith("." + name))
			.filter((result) -> value.equals(result.params().get(param)))
			.findFirst();
	}

	/**
	 * One benchmark's result.
	 *
	 * @param name class and method, without the package
	 * @param params JMH parameters
	 * @param threads threads that ran it
	 * @param score the primary score
	 * @param error the primary score's error (NaN with too few iterations)
	 * @param unit the primary score's unit
	 * @param allocatedBytes bytes allocated per operation, when the GC profiler ran
	 * @param cpuNanos the JVM's CPU time per operation, when {@code CpuTimeProfiler} ran
	 */
	record Result(String name, Map<String, String> params, int threads, double score, double error, String unit,
			@Nullable Double allocatedBytes, @Nullable Double cpuNanos) {

	}

}
