package dev.contextstarter.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;

/**
 * The RabbitMQ broker a test suite runs against: the one at {@code SPRING_RABBITMQ_HOST}
 * and {@code SPRING_RABBITMQ_PORT} (the variables Spring Boot binds), by default
 * 127.0.0.1:5672. Tests that share a broker give their exchanges and queues
 * {@link #uniqueName(String) unique names}, so that runs never consume each other's
 * messages.
 */
public final class TestBroker {

	private TestBroker() {
	}

	/**
	 * The broker's host.
	 * @return {@code SPRING_RABBITMQ_HOST}, by default {@code 127.0.0.1}
	 */
	public static String host() {
		return System.getenv().getOrDefault("SPRING_RABBITMQ_HOST", "127.0.0.1");
	}

	/**
	 * The broker's AMQP port.
	 * @return {@code SPRING_RABBITMQ_PORT}, by default {@code 5672}
	 */
	public static int port() {
		return Integer.parseInt(System.getenv().getOrDefault("SPRING_RABBITMQ_PORT", "5672"));
	}

	/**
	 * Fail fast, with the fix in the message, when no broker answers.
	 * @throws IllegalStateException if nothing accepts a connection at
	 * {@link #host()}:{@link #port()}
	 */
	public static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), port()), 2000);
		}
		catch (IOException ex) {
			throw new IllegalStateException("No RabbitMQ broker answers on " + host() + ":" + port()
					+ "; start one (in this project: scripts/rabbitmq-test-broker.sh start) or set "
					+ "SPRING_RABBITMQ_HOST/SPRING_RABBITMQ_PORT", ex);
		}
	}

	/**
	 * A name no other run uses, for a test's exchange or queue.
	 * @param prefix what the name starts with
	 * @return the prefix, a dot and eight random hex digits
	 */
	public static String uniqueName(String prefix) {
		return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
	}

}
