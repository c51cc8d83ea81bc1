package dev.contextstarter.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The RabbitMQ broker of the test suite: the one {@code scripts/rabbitmq-test-broker.sh}
 * started, or any broker at {@code SPRING_RABBITMQ_HOST}/{@code SPRING_RABBITMQ_PORT}.
 * Each test class uses its own exchange and queue, so that runs sharing a broker never
 * consume each other's messages.
 */
final class TestBroker {

	private TestBroker() {
	}

	static String host() {
		return System.getenv().getOrDefault("SPRING_RABBITMQ_HOST", "127.0.0.1");
	}

	static int port() {
		return Integer.parseInt(System.getenv().getOrDefault("SPRING_RABBITMQ_PORT", "5672"));
	}

	/**
	 * Fail fast, with the fix in the message, when no broker answers.
	 */
	static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), port()), 2000);
		}
		catch (IOException ex) {
			throw new IllegalStateException("No RabbitMQ broker answers on " + host() + ":" + port()
					+ "; start one with scripts/rabbitmq-test-broker.sh start (or set SPRING_RABBITMQ_HOST/PORT)", ex);
		}
	}

	/**
	 * A fresh name prefix for one test class's exchange and queue.
	 * @param testName the test's name
	 * @return the prefix
	 */
	static String uniqueNames(String testName) {
		return "sample.test." + testName + "." + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Arguments that point a sample node at the test broker, with its own exchange and queue.
	 * @param names the prefix from {@link #uniqueNames(String)}
	 * @return the arguments
	 */
	static String[] externalBrokerArgs(String names) {
		return new String[] { "--sample.broker=external", "--spring.rabbitmq.host=" + host(),
				"--spring.rabbitmq.port=" + port(), "--sample.orders.exchange=" + names,
				"--sample.orders.queue=" + names + ".placed" };
	}

	/**
	 * Delete what a test class declared on the shared broker.
	 * @param names the prefix from {@link #uniqueNames(String)}
	 */
	static void deleteDeclarations(String names) {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory(host(), port());
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			admin.deleteQueue(names + ".placed");
			admin.deleteExchange(names);
		}
		finally {
			connectionFactory.destroy();
		}
	}

}
