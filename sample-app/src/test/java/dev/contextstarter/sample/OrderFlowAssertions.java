package dev.contextstarter.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.springframework.boot.test.system.CapturedOutput;

import dev.contextstarter.sample.LogLines.Line;
import dev.contextstarter.sample.SampleClient.PlacedOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Checks one order's log lines across every hop of the flow.
 */
final class OrderFlowAssertions {

	/** Generous: the CI machine is shared and the broker is real. */
	static final Duration FLOW_TIMEOUT = Duration.ofSeconds(60);

	private OrderFlowAssertions() {
	}

	static String recordedLine(PlacedOrder order, String processedOn, String recordedOn) {
		return "Order " + order.orderId() + ": RESERVED by " + processedOn + ", recorded on " + recordedOn;
	}

	/**
	 * Wait until every given node has recorded the order as reserved, in the log.
	 */
	static void awaitRecorded(CapturedOutput output, PlacedOrder order, String processedOn, String... recordedOn) {
		await("order " + order.orderId() + " recorded on " + List.of(recordedOn)).atMost(FLOW_TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String all = output.getAll();
				for (String node : recordedOn) {
					if (!all.contains(recordedLine(order, processedOn, node))) {
						return false;
					}
				}
				return true;
			});
	}

	/**
	 * Every line about the order, on every hop, carries the order's own request ID, and
	 * every hop logged.
	 * @return the order's lines
	 */
	static List<Line> assertEveryHopCarriesItsRequestId(CapturedOutput output, PlacedOrder order, String placedOn,
			String processedOn, String... recordedOn) {
		String orderPrefix = "Order " + order.orderId() + ":";
		String inventoryPrefix = "Inventory " + order.sku() + ":";
		List<Line> lines = LogLines.parse(output.getAll())
			.stream()
			.filter((line) -> line.message().startsWith(orderPrefix) || line.message().startsWith(inventoryPrefix))
			.toList();
		assertThat(lines).as("log lines of order %s", order.orderId())
			.isNotEmpty()
			.allSatisfy(
					(line) -> assertThat(line.requestId()).as("request ID of: %s", line).isEqualTo(order.requestId()));

		List<Predicate<String>> hops = new ArrayList<>(List.of(
				exactly(orderPrefix + " " + order.quantity() + " x " + order.sku() + " received on " + placedOn),
				exactly(orderPrefix + " OrderPlaced published"),
				exactly(orderPrefix + " processing " + order.quantity() + " x " + order.sku() + " on " + processedOn
						+ " (placed on " + placedOn + ")"),
				exactly(inventoryPrefix + " lookup requested"), exactly(inventoryPrefix + " reading stock"),
				(message) -> message.startsWith(inventoryPrefix) && message.contains(" available at "),
				(message) -> message.startsWith(orderPrefix + " inventory answered"),
				(message) -> message.startsWith(orderPrefix + " reserved at ")));
		for (String node : recordedOn) {
			hops.add(exactly(recordedLine(order, processedOn, node)));
		}
		for (Predicate<String> hop : hops) {
			assertThat(lines).as("hops of order %s", order.orderId())
				.anySatisfy((line) -> assertThat(line.message()).matches(hop));
		}
		// Event loops, a blocking-capable worker, a parallel worker, listener threads: a
		// real journey.
		Set<String> threads = lines.stream().map(Line::thread).collect(Collectors.toSet());
		assertThat(threads).as("threads of order %s", order.orderId()).hasSizeGreaterThanOrEqualTo(5);
		return lines;
	}

	private static Predicate<String> exactly(String expected) {
		return new Predicate<>() {

			@Override
			public boolean test(String message) {
				return message.equals(expected);
			}

			@Override
			public String toString() {
				return expected;
			}

		};
	}

}
