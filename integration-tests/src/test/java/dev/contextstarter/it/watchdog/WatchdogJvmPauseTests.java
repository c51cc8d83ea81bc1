package dev.contextstarter.it.watchdog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real process suspended with {@code SIGSTOP} for a second: the watchdog reports one
 * JVM-wide pause and does not blame the task that was running when the process stopped.
 */
class WatchdogJvmPauseTests {

	private final List<String> output = new CopyOnWriteArrayList<>();

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	@Test
	void aSuspendedProcessIsReportedAsAJvmPauseAndNoTaskIsBlamed() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				PausedProcessMain.class.getName())
			.redirectErrorStream(true)
			.start();
		try {
			Thread reader = new Thread(() -> readLines(process), "paused-process-output");
			reader.setDaemon(true);
			reader.start();
			awaitLine("READY", Duration.ofSeconds(60));
			signal(process, "-STOP");
			// The stimulus: the process stays suspended for one second.
			Thread.sleep(1000);
			signal(process, "-CONT");
			String pause = awaitLine("STALL JVM", Duration.ofSeconds(10));
			assertThat(Long.parseLong(pause.substring(pause.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(800);
			try (OutputStream in = process.getOutputStream()) {
				in.write("exit\n".getBytes(StandardCharsets.UTF_8));
			}
			String totals = awaitLine("TOTALS", Duration.ofSeconds(10));
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(totals).contains("stalls=0");
			assertThat(this.output).noneMatch((line) -> line.startsWith("STALL SCHEDULER_TASK"));
		}
		finally {
			process.destroyForcibly();
		}
	}

	private void readLines(Process process) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.output.add(line);
				this.lines.add(line);
			}
		}
		catch (Exception ex) {
			this.lines.add("READ FAILED " + ex);
		}
	}

	private String awaitLine(String prefix, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			String line = this.lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line == null) {
				throw new AssertionError(
						"No line starting with '" + prefix + "' within " + timeout + "; output: " + this.output);
			}
			if (line.startsWith(prefix)) {
				return line;
			}
		}
	}

	private static void signal(Process process, String signal) throws Exception {
		// bash's built-in kill: no procps package needed.
		Process kill = new ProcessBuilder("bash", "-c", "kill " + signal + " " + process.pid()).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

}
