package dev.contextstarter.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Reads the wrk outputs that {@code http-load.sh} saved as
 * {@code <configuration>-<round>.txt}, takes the median of each figure per configuration,
 * prints a table ending in the two ratio lines, and writes {@code http-load.md} and two
 * PNG charts.
 * <p>
 * Usage: {@code HttpLoadReport <raw-output-dir> <results-dir> [description]}.
 */
public final class HttpLoadReport {

	/** The configurations, in the order they are shown. */
	static final List<String> CONFIGURATIONS = List.of("baseline", "starter", "no-watchdog", "tracing");

	private static final Pattern RUN_FILE = Pattern.compile("(baseline|starter|no-watchdog|tracing)-(\\d+)\\.txt");

	private HttpLoadReport() {
	}

	public static void main(String[] args) throws IOException {
		if (args.length < 2) {
			System.err.println("Usage: HttpLoadReport <raw-output-dir> <results-dir> [description]");
			System.exit(2);
		}
		Path raw = Path.of(args[0]);
		Path results = Path.of(args[1]);
		String description = (args.length > 2) ? args[2] : "";
		Map<String, List<WrkRun>> runs = readRuns(raw);
		Map<String, Summary> summaries = new LinkedHashMap<>();
		runs.forEach((configuration, list) -> summaries.put(configuration, Summary.of(list)));
		Files.createDirectories(results);
		String table = table(summaries);
		Files.writeString(results.resolve("http-load.md"), markdown(description, table, summaries, runs));
		ChartUtils.saveChartAsPNG(results.resolve("http-load-throughput.png").toFile(), throughputChart(summaries), 720,
				420);
		ChartUtils.saveChartAsPNG(results.resolve("http-load-latency.png").toFile(), latencyChart(summaries), 720, 420);
		ChartUtils.saveChartAsPNG(results.resolve("http-load-cpu.png").toFile(), cpuChart(summaries), 720, 420);
		System.out.print(table);
		System.out.println();
		System.out.println("cpu per request starter/baseline " + cpuRatio(summaries, "starter", "baseline"));
		System.out.println("cpu per request starter/tracing " + cpuRatio(summaries, "starter", "tracing"));
		if (summaries.containsKey("no-watchdog")) {
			System.out.println("ratio starter/no-watchdog " + ratio(summaries, "starter", "no-watchdog"));
		}
		System.out.println(
				"ratio starter/baseline, median of each round's own ratio " + roundRatio(runs, "starter", "baseline"));
		System.out.println(
				"ratio starter/tracing, median of each round's own ratio " + roundRatio(runs, "starter", "tracing"));
		System.out.println("ratio starter/baseline " + ratio(summaries, "starter", "baseline"));
		System.out.println("ratio starter/tracing " + ratio(summaries, "starter", "tracing"));
	}

	static Map<String, List<WrkRun>> readRuns(Path raw) throws IOException {
		Map<String, List<WrkRun>> runs = new LinkedHashMap<>();
		CONFIGURATIONS.forEach((configuration) -> runs.put(configuration, new ArrayList<>()));
		try (Stream<Path> files = Files.list(raw)) {
			// In round order, so that the n-th run of each configuration comes from the
			// same round.
			for (Path file : files.sorted(Comparator.comparingInt(HttpLoadReport::round)).toList()) {
				Matcher name = RUN_FILE.matcher(file.getFileName().toString());
				if (name.matches()) {
					runs.get(name.group(1)).add(WrkRun.parse(file));
				}
			}
		}
		runs.values().removeIf(List::isEmpty);
		if (runs.isEmpty()) {
			throw new IllegalArgumentException("No <configuration>-<round>.txt files in " + raw);
		}
		return runs;
	}

	private static int round(Path file) {
		Matcher name = RUN_FILE.matcher(file.getFileName().toString());
		return name.matches() ? Integer.parseInt(name.group(2)) : Integer.MAX_VALUE;
	}

	/**
	 * The median of the ratios of runs from the same round. The configurations of a round
	 * run one after another, so a machine that gets slower or faster between rounds moves
	 * both sides of each ratio alike.
	 */
	static String roundRatio(Map<String, List<WrkRun>> runs, String numerator, String denominator) {
		List<WrkRun> top = runs.get(numerator);
		List<WrkRun> bottom = runs.get(denominator);
		if (top == null || bottom == null || top.size() != bottom.size()) {
			return "n/a";
		}
		double[] ratios = new double[top.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = top.get(i).requestsPerSecond() / bottom.get(i).requestsPerSecond();
		}
		Arrays.sort(ratios);
		int middle = ratios.length / 2;
		double median = (ratios.length % 2 == 1) ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
		return String.format(Locale.ROOT, "%.3f", median);
	}

	static String ratio(Map<String, Summary> summaries, String numerator, String denominator) {
		Summary top = summaries.get(numerator);
		Summary bottom = summaries.get(denominator);
		if (top == null || bottom == null) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.3f", top.requestsPerSecond() / bottom.requestsPerSecond());
	}

	static String cpuRatio(Map<String, Summary> summaries, String numerator, String denominator) {
		Summary top = summaries.get(numerator);
		Summary bottom = summaries.get(denominator);
		if (top == null || bottom == null || Double.isNaN(top.cpuMicrosPerRequest())
				|| Double.isNaN(bottom.cpuMicrosPerRequest())) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%.3f", top.cpuMicrosPerRequest() / bottom.cpuMicrosPerRequest());
	}

	private static String table(Map<String, Summary> summaries) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "| %-13s | %6s | %10s | %8s | %8s | %8s | %8s | %10s | %9s | %6s |%n",
				"configuration", "rounds", "req/s", "p50 ms", "p75 ms", "p90 ms", "p99 ms", "CPU us/req", "JIT % CPU",
				"errors"));
		table.append("|---------------|-------:|-----------:|---------:|---------:|---------:|---------:|-----------:"
				+ "|----------:|-------:|\n");
		summaries.forEach((configuration, summary) -> table.append(String.format(Locale.ROOT,
				"| %-13s | %6d | %10.0f | %8.3f | %8.3f | %8.3f | %8.3f | %10.1f | %9.1f | %6d |%n", configuration,
				summary.rounds(), summary.requestsPerSecond(), summary.latencyMillis().get(50),
				summary.latencyMillis().get(75), summary.latencyMillis().get(90), summary.latencyMillis().get(99),
				summary.cpuMicrosPerRequest(), summary.jitShare() * 100, summary.failedResponses())));
		return table.toString();
	}

	private static String markdown(String description, String table, Map<String, Summary> summaries,
			Map<String, List<WrkRun>> runs) {
		StringBuilder text = new StringBuilder("# HTTP load: baseline, starter, tracing\n\n");
		if (!description.isEmpty()) {
			text.append(description).append("\n\n");
		}
		text.append("Medians over the rounds of each configuration.\n\n").append(table).append('\n');
		text.append("- ratio starter/baseline ")
			.append(ratio(summaries, "starter", "baseline"))
			.append(" (target ≥ 0.97)\n");
		text.append("- ratio starter/tracing ")
			.append(ratio(summaries, "starter", "tracing"))
			.append(" (target ≥ 1.10)\n");
		if (summaries.containsKey("no-watchdog")) {
			text.append("- ratio starter/no-watchdog ")
				.append(ratio(summaries, "starter", "no-watchdog"))
				.append(" (the watchdog's own cost; target: within 2 %)\n");
		}
		text.append("- median of each round's own ratio: starter/baseline ")
			.append(roundRatio(runs, "starter", "baseline"))
			.append(", starter/tracing ")
			.append(roundRatio(runs, "starter", "tracing"))
			.append(" (the configurations of a round run back to back, so a machine whose speed drifts between rounds")
			.append(" moves both sides alike)\n");
		text.append("- application CPU per request, starter/baseline ")
			.append(cpuRatio(summaries, "starter", "baseline"))
			.append(", starter/tracing ")
			.append(cpuRatio(summaries, "starter", "tracing"))
			.append(" (steadier than req/s when the machine is shared)\n\n");
		text.append("Throughput of each round (req/s):\n\n");
		runs.forEach((configuration, list) -> text.append("- ")
			.append(configuration)
			.append(": ")
			.append(String.join(", ",
					list.stream().map((run) -> String.format(Locale.ROOT, "%.0f", run.requestsPerSecond())).toList()))
			.append('\n'));
		text.append("\n![Throughput](http-load-throughput.png)\n\n![Latency](http-load-latency.png)\n\n")
			.append("![CPU per request](http-load-cpu.png)\n");
		return text.toString();
	}

	private static JFreeChart throughputChart(Map<String, Summary> summaries) {
		DefaultCategoryDataset dataset = new DefaultCategoryDataset();
		summaries
			.forEach((configuration, summary) -> dataset.addValue(summary.requestsPerSecond(), "req/s", configuration));
		JFreeChart chart = ChartFactory.createBarChart("Throughput (median, higher is better)", "configuration",
				"requests per second", dataset, PlotOrientation.VERTICAL, false, false, false);
		style(chart);
		return chart;
	}

	private static JFreeChart cpuChart(Map<String, Summary> summaries) {
		DefaultCategoryDataset dataset = new DefaultCategoryDataset();
		summaries
			.forEach((configuration, summary) -> dataset.addValue(summary.cpuMicrosPerRequest(), "CPU", configuration));
		JFreeChart chart = ChartFactory.createBarChart("Application CPU per request (median, lower is better)",
				"configuration", "microseconds", dataset, PlotOrientation.VERTICAL, false, false, false);
		style(chart);
		return chart;
	}

	private static JFreeChart latencyChart(Map<String, Summary> summaries) {
		DefaultCategoryDataset dataset = new DefaultCategoryDataset();
		summaries.forEach((configuration, summary) -> summary.latencyMillis()
			.forEach((percentile, millis) -> dataset.addValue(millis, configuration, "p" + percentile)));
		JFreeChart chart = ChartFactory.createBarChart("Latency percentiles (median, lower is better)", "percentile",
				"milliseconds", dataset, PlotOrientation.VERTICAL, true, false, false);
		style(chart);
		return chart;
	}

	private static void style(JFreeChart chart) {
		chart.setBackgroundPaint(Color.WHITE);
		CategoryPlot plot = chart.getCategoryPlot();
		plot.setBackgroundPaint(Color.WHITE);
		plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
		BarRenderer renderer = (BarRenderer) plot.getRenderer();
		renderer.setBarPainter(new StandardBarPainter());
		renderer.setShadowVisible(false);
		renderer.setSeriesPaint(0, new Color(0x4C72B0));
		renderer.setSeriesPaint(1, new Color(0xDD8452));
		renderer.setSeriesPaint(2, new Color(0x55A868));
	}

	/**
	 * Medians over the rounds of one configuration.
	 *
	 * @param rounds how many runs were measured
	 * @param requestsPerSecond median throughput
	 * @param latencyMillis median of each latency percentile
	 * @param failedResponses failed responses over all rounds
	 * @param cpuMicrosPerRequest median application CPU time per request, NaN if not
	 * recorded
	 * @param jitShare median share of the application's CPU time spent by its JIT
	 * compiler, NaN if not recorded
	 */
	record Summary(int rounds, double requestsPerSecond, Map<Integer, Double> latencyMillis, long failedResponses,
			double cpuMicrosPerRequest, double jitShare) {

		static Summary of(List<WrkRun> runs) {
			Map<Integer, Double> latency = new LinkedHashMap<>();
			for (Integer percentile : WrkRun.PERCENTILES) {
				latency.put(percentile,
						median(runs.stream().mapToDouble((run) -> run.latencyMillis().get(percentile)).toArray()));
			}
			return new Summary(runs.size(), median(runs.stream().mapToDouble(WrkRun::requestsPerSecond).toArray()),
					latency, runs.stream().mapToLong(WrkRun::failedResponses).sum(),
					median(runs.stream().mapToDouble(WrkRun::cpuMicrosPerRequest).toArray()),
					median(runs.stream().mapToDouble(WrkRun::jitShare).toArray()));
		}

		static double median(double[] values) {
			double[] sorted = values.clone();
			Arrays.sort(sorted);
			int middle = sorted.length / 2;
			return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
		}

	}

}
