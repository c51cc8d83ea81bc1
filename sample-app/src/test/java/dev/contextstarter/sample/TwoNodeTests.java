package dev.contextstarter.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.contextstarter.sample.LogLines.Line;
import dev.contextstarter.sample.SampleClient.PlacedOrder;
import dev.contextstarter.test.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on random ports sharing one RabbitMQ: orders enter node A, which does not
 * process orders, and are processed by node B, each under the request ID it entered with.
 */
@ExtendWith(OutputCaptureExtension.class)
class TwoNodeTests {

	private static final String NAMES = OrdersOnTestBroker.uniqueNames("two-node");

	private static ConfigurableApplicationContext nodeA;

	private static ConfigurableApplicationContext nodeB;

	@BeforeAll
	static void startNodes() {
		TestBroker.requireRunning();
		nodeA = start("node-a", "--sample.orders.processing=false");
		nodeB = start("node-b");
	}

	private static ConfigurableApplicationContext start(String name, String... extraArgs) {
		String[] args = Stream
			.of(new String[] { "--server.port=0", "--sample.node-name=" + name, "--spring.main.banner-mode=off" },
					OrdersOnTestBroker.externalBrokerArgs(NAMES), extraArgs)
			.flatMap(Stream::of)
			.toArray(String[]::new);
		return new SpringApplicationBuilder(SampleApplication.class).run(args);
	}

	@AfterAll
	static void stopNodes() {
		try {
			// In parallel: both nodes share Reactor Netty's global event loops, which the
			// first node to close would otherwise wait for (up to 15 s) while the other
			// still serves.
			CompletableFuture<Void> closingB = CompletableFuture.runAsync(() -> {
				if (nodeB != null) {
					nodeB.close();
				}
			});
			if (nodeA != null) {
				nodeA.close();
			}
			closingB.join();
		}
		finally {
			OrdersOnTestBroker.deleteDeclarations(NAMES);
		}
	}

	private static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	@Test
	void ordersPlacedOnNodeAAreProcessedOnNodeBUnderTheirOriginalIds(CapturedOutput output) {
		SampleClient nodeAClient = new SampleClient(port(nodeA));
		SampleClient nodeBClient = new SampleClient(port(nodeB));
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<PlacedOrder> orders = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			orders.add(nodeAClient.place("TWO-" + run + "-" + i, 2, "two-node-" + run + "-" + i));
		}
		for (PlacedOrder order : orders) {
			OrderFlowAssertions.awaitRecorded(output, order, "node-b", "node-a", "node-b");
			await().atMost(OrderFlowAssertions.FLOW_TIMEOUT)
				.until(() -> "node-b".equals(nodeAClient.orderField(order.orderId(), "reservedBy")));
		}
		for (PlacedOrder order : orders) {
			List<Line> lines = OrderFlowAssertions.assertEveryHopCarriesItsRequestId(output, order, "node-a", "node-b",
					"node-a", "node-b");
			assertThat(lines).noneSatisfy((line) -> assertThat(line.message()).contains(" on node-a (placed on"));
			// Both nodes know the order now, with the ID it entered with.
			assertThat(nodeAClient.orderField(order.orderId(), "requestId")).isEqualTo(order.requestId());
			assertThat(nodeBClient.orderField(order.orderId(), "requestId")).isEqualTo(order.requestId());
			assertThat(nodeBClient.orderField(order.orderId(), "state")).isEqualTo("RESERVED");
		}
	}

}
