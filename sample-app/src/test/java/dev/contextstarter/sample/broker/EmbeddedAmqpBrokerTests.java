package dev.contextstarter.sample.broker;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A taken port fails the start with a message that names the property to change.
 */
class EmbeddedAmqpBrokerTests {

	@Test
	void takenPortFailsNamingTheProperty() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThatIllegalStateException()
				.isThrownBy(() -> EmbeddedAmqpBroker.start("127.0.0.1", taken.getLocalPort()))
				.withMessageContaining("127.0.0.1:" + taken.getLocalPort())
				.withMessageContaining("sample.embedded-broker.port");
		}
	}

}
