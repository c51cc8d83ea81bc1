package dev.contextstarter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The project's scripts under {@code scripts/}, for tests that need what only they know:
 * the broker's control tool and where libfaketime lives on this machine.
 */
public final class ProjectScripts {

	private ProjectScripts() {
	}

	/**
	 * Close every client connection on the test broker, as
	 * {@code rabbitmqctl close_all_connections}.
	 * @param reason the reason the broker reports to clients
	 * @return what rabbitmqctl printed
	 * @throws IOException if the script cannot be started
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static String closeAllBrokerConnections(String reason) throws IOException, InterruptedException {
		Result result = run("rabbitmq-test-broker.sh", "ctl", "close_all_connections", reason);
		if (result.exitValue() != 0) {
			throw new IllegalStateException(
					"rabbitmqctl close_all_connections failed (" + result.exitValue() + "): " + result.output());
		}
		return result.output();
	}

	/**
	 * Where libfaketime is: {@code LIBFAKETIME} as {@code scripts/test.sh} exports it,
	 * otherwise what {@code scripts/libfaketime-path.sh} finds, the same way.
	 * @return the library's path, or empty when it is not installed
	 * @throws IOException if the script cannot be started
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public static Optional<Path> libfaketime() throws IOException, InterruptedException {
		String exported = System.getenv("LIBFAKETIME");
		if (exported != null && !exported.isBlank() && Files.isReadable(Path.of(exported))) {
			return Optional.of(Path.of(exported));
		}
		Result result = run("libfaketime-path.sh");
		return (result.exitValue() == 0) ? Optional.of(Path.of(result.output().strip())) : Optional.empty();
	}

	private static Result run(String script, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", root().resolve("scripts").resolve(script).toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("scripts/" + script + " did not finish within 60s");
		}
		return new Result(process.exitValue(),
				new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	private static Path root() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve("scripts/rabbitmq-test-broker.sh"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("scripts/ not found above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

	private record Result(int exitValue, String output) {
	}

}
