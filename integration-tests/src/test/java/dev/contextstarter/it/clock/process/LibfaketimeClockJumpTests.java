package dev.contextstarter.it.clock.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.contextstarter.it.ProjectScripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.assertj.core.data.Offset;

/**
 * Runs {@link ClockJumpDemo} in a real child JVM under libfaketime, steps its wall clock
 * forward and back while it runs, and reads its log.
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1} keeps {@code System.nanoTime()} real;
 * {@code FAKETIME_NO_CACHE=1} makes every clock read see the offset file at once;
 * {@code FAKETIME_FORCE_MONOTONIC_FIX=0} keeps the JVM's monotonic waits untouched.
 */
class LibfaketimeClockJumpTests {

	private static final Pattern JUMP = Pattern.compile("Wall clock jumped (forward|backward) by ([0-9.]+) s");

	private static final Pattern FIRED = Pattern
		.compile("CRON-FIRED actual=(\\S+)(?: nominal=(\\S+) reason=(\\S+) missed=(\\d+) now=\\S+)? mono=(\\d+)");

	private static final Duration STARTUP = Duration.ofSeconds(180);

	private static final Duration STEP = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private Path libfaketime;

	private Path offsetFile;

	private Child child;

	private Child plain;

	@BeforeEach
	void requireLibfaketime() throws IOException, InterruptedException {
		this.libfaketime = ProjectScripts.libfaketime()
			.orElseGet(() -> fail("libfaketime.so.1 not found by scripts/libfaketime-path.sh: install the Debian "
					+ "package 'faketime' (apt-get install -y faketime) or set LIBFAKETIME to its path"));
		this.offsetFile = this.directory.resolve("faketime-offset");
		writeOffset(this.offsetFile, "+0s");
	}

	@AfterEach
	void stopChild() throws InterruptedException {
		if (this.child != null) {
			this.child.stop();
		}
		if (this.plain != null) {
			this.plain.stop();
		}
	}

	/**
	 * The starter's scheduler and plain Spring's, side by side in two child JVMs (in
	 * parallel, to keep the test short), each stepped forward by 3601 s and back by 1801
	 * s. The odd steps make a run left on the old timeline land on an odd second.
	 */
	@Test
	void jumpsAreReportedAndCronFiresOnTheNewWallClockBoundariesWithoutBurstOrDuplicate() throws Exception {
		Path plainOffset = this.directory.resolve("faketime-offset-plain");
		writeOffset(plainOffset, "+0s");
		this.child = Child.start("aware", this.libfaketime, this.offsetFile);
		this.plain = Child.start("plain", this.libfaketime, plainOffset, "--context.clock.scheduler.enabled=false");
		this.child.awaitLine((line) -> line.contains("Started ClockJumpDemo"), STARTUP);
		this.plain.awaitLine((line) -> line.contains("Started ClockJumpDemo"), STARTUP);
		this.child.awaitFiringCount(2, STEP);
		this.plain.awaitFiringCount(2, STEP);
		List<Firing> beforeJump = this.child.firingsFrom(0);
		assertThat(beforeJump).allSatisfy(this::assertOnTimeOnEvenSecond);

		// forward by 3601 s
		this.child.drain();
		this.plain.drain();
		int awareMark = this.child.firingCount();
		int plainMark = this.plain.firingCount();
		Instant plainBeforeJump = this.plain.firingsFrom(plainMark - 1).get(0).actual();
		writeOffset(this.offsetFile, "+3601s");
		writeOffset(plainOffset, "+3601s");
		assertThat(this.child.awaitJump("forward", STEP)).isCloseTo(3601.0, Offset.offset(1.0));
		assertThat(this.plain.awaitJump("forward", STEP)).isCloseTo(3601.0, Offset.offset(1.0));
		this.child.awaitFiringCount(awareMark + 4, STEP);
		this.plain.awaitFiringCount(plainMark + 3, STEP);
		List<Firing> afterForward = this.child.firingsFrom(awareMark);
		// at most one coalesced run for the hour of missed occurrences (none when the
		// jump landed while a run was in progress: the next run is then computed on the
		// new clock)
		List<Firing> coalesced = afterForward.stream().filter((f) -> "MISFIRE".equals(f.reason())).toList();
		assertThat(coalesced).hasSizeLessThanOrEqualTo(1)
			.allSatisfy((f) -> assertThat(f.missed()).isBetween(1795L, 1805L));
		assertThat(afterForward).filteredOn((f) -> !"MISFIRE".equals(f.reason()))
			.allSatisfy(this::assertOnTimeOnEvenSecond);
		assertThat(afterForward.subList(afterForward.size() - 3, afterForward.size()))
			.allSatisfy((f) -> assertThat(f.nominal()).isAfter(beforeJump.get(1).nominal().plusSeconds(3000)));
		assertNoBurstNoDuplicate(beforeJump, afterForward);
		// plain Spring: the run pending at the jump fires off the 2 s boundary by the
		// jump's 1 s remainder
		Firing pending = this.plain.firingsFrom(plainMark)
			.stream()
			.filter((firing) -> firing.actual().isAfter(plainBeforeJump.plusSeconds(3000)))
			.findFirst()
			.orElseThrow();
		assertThat(pending.actual().toEpochMilli() % 2000)
			.as("%s is off the 2 s boundary by about the jump's 1 s remainder", pending)
			.isGreaterThanOrEqualTo(900);

		// back by 1801 s: longer than the 2 s period, so auto = rerun: it resumes on the
		// new wall clock
		this.child.drain();
		this.plain.drain();
		awareMark = this.child.firingCount();
		plainMark = this.plain.firingCount();
		Instant plainBeforeBackward = this.plain.firingsFrom(plainMark - 1).get(0).actual();
		writeOffset(this.offsetFile, "+1800s");
		writeOffset(plainOffset, "+1800s");
		assertThat(this.child.awaitJump("backward", STEP)).isCloseTo(1801.0, Offset.offset(1.0));
		assertThat(this.plain.awaitJump("backward", STEP)).isCloseTo(1801.0, Offset.offset(1.0));
		this.child.awaitFiringCount(awareMark + 4, STEP);
		List<Firing> afterBackward = this.child.firingsFrom(awareMark);
		// a run already started before the step may finish on the old timeline; then
		// reruns
		List<Firing> reruns = afterBackward.subList(afterBackward.size() - 3, afterBackward.size());
		assertThat(reruns).allSatisfy((firing) -> {
			assertThat(firing.reason()).isEqualTo("RERUN");
			assertOnEvenSecond(firing);
		});
		assertNoBurstNoDuplicate(List.of(), reruns);
		// plain Spring computes its next run on the old timeline: silent for half an hour
		this.plain.collectFor(Duration.ofSeconds(6));
		List<Firing> plainAfterBackward = this.plain.firingsFrom(plainMark)
			.stream()
			.filter((firing) -> firing.actual().isBefore(plainBeforeBackward.minusSeconds(1000)))
			.toList();
		System.out.println("[plain] firings in the 6+ s after the backward jump: " + plainAfterBackward.size());
		assertThat(plainAfterBackward).hasSizeLessThanOrEqualTo(1);

		this.child.printSummary();
		this.plain.printSummary();
	}

	/** A normal run: its nominal time is on a 2 s boundary and it started promptly. */
	private void assertOnTimeOnEvenSecond(Firing firing) {
		assertThat(firing.reason()).as("reason of %s", firing).isIn("ON_TIME", "LATE");
		assertOnEvenSecond(firing);
	}

	private void assertOnEvenSecond(Firing firing) {
		if (firing.nominal() != null) {
			assertThat(firing.nominal().getEpochSecond() % 2).as("even nominal second of %s", firing).isZero();
			assertThat(firing.nominal().getNano()).as("whole nominal second of %s", firing).isZero();
			// a loaded CI box may start a run late, but never before its nominal time
			assertThat(Duration.between(firing.nominal(), firing.actual())).as("lateness of %s", firing)
				.isBetween(Duration.ZERO, Duration.ofMillis(1999));
		}
		else {
			assertThat(firing.actual().getEpochSecond() % 2).as("even second of %s", firing).isZero();
		}
	}

	/**
	 * No duplicate: nominal times strictly increase (a rerun only after a backward jump).
	 * No burst: only the one coalesced run is late, so no catch-up runs.
	 */
	private static void assertNoBurstNoDuplicate(List<Firing> earlier, List<Firing> later) {
		List<Firing> all = new ArrayList<>(earlier);
		all.addAll(later);
		for (int i = 1; i < all.size(); i++) {
			Firing previous = all.get(i - 1);
			Firing current = all.get(i);
			boolean firstRerun = "RERUN".equals(current.reason()) && !"RERUN".equals(previous.reason());
			if (!firstRerun) {
				assertThat(Duration.between(previous.nominal(), current.nominal())).as("nominal step to %s", current)
					.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			}
		}
		assertThat(later.stream().filter((firing) -> "MISFIRE".equals(firing.reason()))).hasSizeLessThanOrEqualTo(1);
	}

	private void writeOffset(Path file, String offset) throws IOException {
		Path temp = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temp, offset + "\n");
		Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		System.out.println(
				"[test] wrote faketime offset " + offset + " to " + file.getFileName() + " at real " + Instant.now());
	}

	record Firing(Instant actual, Instant nominal, String reason, long missed, long mono) {

		static Firing parse(String line) {
			Matcher matcher = FIRED.matcher(line);
			if (!matcher.find()) {
				throw new IllegalArgumentException(line);
			}
			return new Firing(Instant.parse(matcher.group(1)),
					(matcher.group(2) != null) ? Instant.parse(matcher.group(2)) : null, matcher.group(3),
					(matcher.group(4) != null) ? Long.parseLong(matcher.group(4)) : 0,
					Long.parseLong(matcher.group(5)));
		}

	}

	/**
	 * The child JVM and its output, echoed to this test's output.
	 */
	static final class Child {

		private final String name;

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final List<String> interesting = new ArrayList<>();

		private Child(String name, Process process) {
			this.name = name;
			this.process = process;
			Thread reader = new Thread(this::pump, "child-output-" + name);
			reader.setDaemon(true);
			reader.start();
		}

		static Child start(String name, Path libfaketime, Path offsetFile, String... extraArgs) throws IOException {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add("-XX:TieredStopAtLevel=1");
			command.add("-XX:+UseSerialGC");
			command.add(ClockJumpDemo.class.getName());
			command.add("--spring.main.banner-mode=off");
			command.add("--context.clock.check-interval=500ms");
			command.addAll(List.of(extraArgs));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().put("LD_PRELOAD", libfaketime.toString());
			builder.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
			builder.environment().put("FAKETIME_NO_CACHE", "1");
			// libfaketime's pthread_cond_timedwait "monotonic fix" makes every JVM wait
			// slow and inexact (a 500 ms sleep took seconds, startup minutes); the JVM
			// waits on the monotonic clock, which is not faked, so the fix is not needed
			builder.environment().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
			builder.environment().put("FAKETIME_TIMESTAMP_FILE", offsetFile.toString());
			return new Child(name, builder.start());
		}

		private void pump() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					System.out.println("[" + this.name + "] " + line);
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the child went away
			}
		}

		private final List<Firing> firings = new ArrayList<>();

		/** Wait for a matching line; every line read on the way is recorded. */
		String awaitLine(Predicate<String> matching, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
				if (line == null) {
					throw new AssertionError("[" + this.name + "] no matching line within " + timeout
							+ (this.process.isAlive() ? "" : "; child exited with " + this.process.exitValue()));
				}
				record(line);
				if (matching.test(line)) {
					return line;
				}
			}
		}

		private void record(String line) {
			if (line.contains("CRON-FIRED") || line.contains("Wall clock jumped") || line.contains("stalled")
					|| line.contains("Scheduled task") || line.contains("went back")) {
				this.interesting.add(line);
			}
			if (line.contains("CRON-FIRED")) {
				this.firings.add(Firing.parse(line));
			}
		}

		double awaitJump(String direction, Duration timeout) throws InterruptedException {
			String line = awaitLine((candidate) -> candidate.contains("Wall clock jumped " + direction), timeout);
			Matcher matcher = JUMP.matcher(line);
			assertThat(matcher.find()).isTrue();
			return Double.parseDouble(matcher.group(2));
		}

		void awaitFiringCount(int count, Duration timeout) throws InterruptedException {
			while (this.firings.size() < count) {
				awaitLine((line) -> line.contains("CRON-FIRED"), timeout);
			}
		}

		int firingCount() {
			return this.firings.size();
		}

		List<Firing> firingsFrom(int index) {
			return List.copyOf(this.firings.subList(index, this.firings.size()));
		}

		/** Record every line the child has printed so far, without waiting. */
		void drain() {
			String line;
			while ((line = this.lines.poll()) != null) {
				record(line);
			}
		}

		/** Read whatever the child prints for a while. */
		void collectFor(Duration window) throws InterruptedException {
			long deadline = System.nanoTime() + window.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
				if (line == null) {
					return;
				}
				record(line);
			}
		}

		void printSummary() {
			System.out.println("[" + this.name + "] ---- log lines of this run ----");
			this.interesting.forEach((line) -> System.out.println("[" + this.name + "] " + line));
		}

		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}

	}

}
