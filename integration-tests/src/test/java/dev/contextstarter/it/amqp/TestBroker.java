package dev.contextstarter.it.amqp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The RabbitMQ broker the tests run against: the one {@code scripts/rabbitmq-test-broker.sh}
 * started, or any broker at {@code SPRING_RABBITMQ_HOST}/{@code SPRING_RABBITMQ_PORT}.
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
	 * Close every client connection on the broker, as {@code rabbitmqctl close_all_connections}.
	 * @param reason the reason the broker reports to clients
	 * @return what rabbitmqctl printed
	 */
	static String closeAllConnections(String reason) throws IOException, InterruptedException {
		Path script = projectRoot().resolve("scripts/rabbitmq-test-broker.sh");
		Process process = new ProcessBuilder("bash", script.toString(), "ctl", "close_all_connections", reason)
			.redirectErrorStream(true)
			.start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("rabbitmqctl close_all_connections did not finish within 60s");
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IllegalStateException("rabbitmqctl close_all_connections failed (" + process.exitValue() + "): " + output);
		}
		return output;
	}

	private static Path projectRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve("scripts/rabbitmq-test-broker.sh"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("scripts/rabbitmq-test-broker.sh not found above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

}
