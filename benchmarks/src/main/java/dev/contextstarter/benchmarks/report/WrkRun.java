package dev.contextstarter.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured wrk run, parsed from the output of {@code wrk --latency}.
 *
 * @param requestsPerSecond throughput
 * @param latencyMillis latency percentiles (50, 75, 90, 99) in milliseconds
 * @param failedResponses non-2xx/3xx responses plus socket errors
 * @param cpuMicrosPerRequest the application's CPU time (user + system) per request, or
 * NaN when the run did not record it
 * @param jitShare the share of that CPU time the JIT compiler threads used, or NaN when
 * the run did not record it: far from zero, the application was still warming up
 */
record WrkRun(double requestsPerSecond, Map<Integer, Double> latencyMillis, long failedResponses,
		double cpuMicrosPerRequest, double jitShare) {

	static final List<Integer> PERCENTILES = List.of(50, 75, 90, 99);

	private static final Pattern REQUESTS_PER_SECOND = Pattern.compile("^Requests/sec:\\s+([0-9.]+)",
			Pattern.MULTILINE);

	private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$",
			Pattern.MULTILINE);

	private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in ", Pattern.MULTILINE);

	/** Appended by http-load.sh: the app's CPU time during the measured run. */
	private static final Pattern APP_CPU_SECONDS = Pattern.compile("^App CPU seconds: ([0-9.]+)", Pattern.MULTILINE);

	/** Appended by http-load.sh: the CPU time of the JIT compiler threads in that run. */
	private static final Pattern JIT_CPU_SECONDS = Pattern.compile("^App JIT CPU seconds: ([0-9.]+)",
			Pattern.MULTILINE);

	private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

	private static final Pattern SOCKET_ERRORS = Pattern
		.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

	static WrkRun parse(Path file) throws IOException {
		String output = Files.readString(file);
		Matcher throughput = REQUESTS_PER_SECOND.matcher(output);
		if (!throughput.find()) {
			throw new IllegalArgumentException("No 'Requests/sec' line in " + file);
		}
		Map<Integer, Double> latency = new LinkedHashMap<>();
		Matcher percentile = PERCENTILE.matcher(output);
		while (percentile.find()) {
			latency.put(Integer.valueOf(percentile.group(1)), toMillis(percentile.group(2), percentile.group(3)));
		}
		if (!latency.keySet().containsAll(PERCENTILES)) {
			throw new IllegalArgumentException("No latency distribution in " + file + " (run wrk with --latency)");
		}
		long failed = 0;
		Matcher non2xx = NON_2XX.matcher(output);
		if (non2xx.find()) {
			failed += Long.parseLong(non2xx.group(1));
		}
		Matcher socket = SOCKET_ERRORS.matcher(output);
		if (socket.find()) {
			for (int group = 1; group <= 4; group++) {
				failed += Long.parseLong(socket.group(group));
			}
		}
		double cpuMicrosPerRequest = Double.NaN;
		double jitShare = Double.NaN;
		Matcher requests = REQUESTS.matcher(output);
		Matcher cpu = APP_CPU_SECONDS.matcher(output);
		if (cpu.find()) {
			double cpuSeconds = Double.parseDouble(cpu.group(1));
			if (requests.find() && Long.parseLong(requests.group(1)) > 0) {
				cpuMicrosPerRequest = cpuSeconds * 1_000_000 / Long.parseLong(requests.group(1));
			}
			Matcher jit = JIT_CPU_SECONDS.matcher(output);
			if (jit.find() && cpuSeconds > 0) {
				jitShare = Double.parseDouble(jit.group(1)) / cpuSeconds;
			}
		}
		return new WrkRun(Double.parseDouble(throughput.group(1)), latency, failed, cpuMicrosPerRequest, jitShare);
	}

	private static double toMillis(String value, String unit) {
		double number = Double.parseDouble(value);
		return switch (unit) {
			case "us" -> number / 1000;
			case "ms" -> number;
			case "s" -> number * 1000;
			default -> throw new IllegalArgumentException("Unknown unit " + unit);
		};
	}

}
