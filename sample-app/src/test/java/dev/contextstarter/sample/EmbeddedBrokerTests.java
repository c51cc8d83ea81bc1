package dev.contextstarter.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.contextstarter.sample.SampleClient.PlacedOrder;
import dev.contextstarter.sample.broker.EmbeddedAmqpBroker;
import dev.contextstarter.test.RequestContextLeakCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The default setup, as {@code scripts/run-sample.sh} starts it: the embedded Qpid
 * broker, nothing external. Only the ports differ (random), so that it runs next to
 * anything.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-broker.port=0", "sample.node-name=node-embedded",
				"spring.main.banner-mode=off" })
@DirtiesContext
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
class EmbeddedBrokerTests {

	@LocalServerPort
	private int port;

	@Autowired
	private EmbeddedAmqpBroker broker;

	@Autowired
	private RabbitConnectionDetails connectionDetails;

	@Test
	void connectsToTheEmbeddedBroker() {
		assertThat(this.broker.port()).isPositive();
		assertThat(this.connectionDetails.getFirstAddress())
			.isEqualTo(new RabbitConnectionDetails.Address("127.0.0.1", this.broker.port()));
	}

	@Test
	void completesTheFlow(CapturedOutput output) {
		SampleClient client = new SampleClient(this.port);
		PlacedOrder order = client.place("EMB-1", 3, "embedded-flow-1");
		OrderFlowAssertions.awaitRecorded(output, order, "node-embedded", "node-embedded");
		await().atMost(OrderFlowAssertions.FLOW_TIMEOUT)
			.until(() -> "RESERVED".equals(client.orderField(order.orderId(), "state")));
		OrderFlowAssertions.assertEveryHopCarriesItsRequestId(output, order, "node-embedded", "node-embedded",
				"node-embedded");
	}

}
