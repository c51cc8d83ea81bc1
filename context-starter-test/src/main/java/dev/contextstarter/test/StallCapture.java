package dev.contextstarter.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.watchdog.BlockingCall;
import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.StallReport;
import dev.contextstarter.watchdog.StallSource;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogListener;
import dev.contextstarter.watchdog.WatchdogSettings;

/**
 * Captures the watchdog's stall reports while it is open, so that a test can assert that
 * a block of code stalled a non-blocking thread, or that it did not: <pre class="code">
 * try (StallCapture capture = StallCapture.standalone(Duration.ofMillis(100))) {
 *     Mono.fromRunnable(this::slowCall).subscribeOn(Schedulers.parallel()).subscribe();
 *     StallReport report = capture.awaitStall(Duration.ofSeconds(5));
 *     assertThat(report.hasFrame(MyService.class.getName(), "slowCall")).isTrue();
 * }
 * </pre> {@link #of(Watchdog)} listens to a running watchdog (for example the
 * application's bean); {@link #standalone(Duration)} runs a watchdog of its own with a
 * Reactor schedule hook under its own key, removed on {@link #close()}. JVM pauses are
 * not stalls and are left out.
 * <p>
 * {@link #reportBlockingCalls()} also captures every blocking call on a non-blocking
 * thread, however short, through BlockHound ({@code io.projectreactor.tools:blockhound}
 * on the test class path, and on JDK 13 and later the JVM flag
 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}, for example in Surefire's
 * {@code argLine}). BlockHound stays installed for the rest of the JVM; it reports to
 * open captures only and throws nothing.
 */
public final class StallCapture implements AutoCloseable {

	private static final AtomicLong HOOK_KEYS = new AtomicLong();

	private final Watchdog watchdog;

	private final @Nullable ReactorTaskTimer ownTimer;

	private final List<StallReport> stalls = new CopyOnWriteArrayList<>();

	private final List<StallReport> recoveries = new CopyOnWriteArrayList<>();

	private final BlockingQueue<StallReport> unclaimed = new LinkedBlockingQueue<>();

	private final List<BlockingCall> blockingCalls = new CopyOnWriteArrayList<>();

	private final BlockingQueue<BlockingCall> unclaimedBlockingCalls = new LinkedBlockingQueue<>();

	private final WatchdogListener listener = new WatchdogListener() {

		@Override
		public void onStall(StallReport report) {
			if (report.source() != StallSource.JVM) {
				StallCapture.this.stalls.add(report);
				StallCapture.this.unclaimed.add(report);
			}
		}

		@Override
		public void onRecovery(StallReport report) {
			if (report.source() != StallSource.JVM) {
				StallCapture.this.recoveries.add(report);
			}
		}

		@Override
		public void onBlockingCall(BlockingCall call) {
			StallCapture.this.blockingCalls.add(call);
			StallCapture.this.unclaimedBlockingCalls.add(call);
		}

	};

	private StallCapture(Watchdog watchdog, @Nullable ReactorTaskTimer ownTimer) {
		this.watchdog = watchdog;
		this.ownTimer = ownTimer;
		watchdog.addListener(this.listener);
	}

	/**
	 * Capture the reports of a running watchdog.
	 * @param watchdog the watchdog, for example the application context's bean
	 * @return the open capture
	 */
	public static StallCapture of(Watchdog watchdog) {
		return new StallCapture(Objects.requireNonNull(watchdog, "watchdog must not be null"), null);
	}

	/**
	 * Start a watchdog of its own that times Reactor tasks on non-blocking threads, with
	 * no start-up grace and a check interval of a quarter of the threshold.
	 * @param threshold how long a task may run before it is a stall
	 * @return the open capture
	 */
	public static StallCapture standalone(Duration threshold) {
		WatchdogSettings settings = WatchdogSettings.defaults()
			.withThreshold(threshold)
			.withCheckInterval(threshold.dividedBy(4))
			.withStartupGrace(Duration.ZERO);
		Watchdog watchdog = new Watchdog(settings);
		ReactorTaskTimer timer = new ReactorTaskTimer(watchdog,
				"dev.contextstarter.test.StallCapture-" + HOOK_KEYS.incrementAndGet());
		StallCapture capture = new StallCapture(watchdog, timer);
		timer.install();
		watchdog.start();
		return capture;
	}

	/**
	 * The watchdog whose reports are captured.
	 * @return the watchdog
	 */
	public Watchdog watchdog() {
		return this.watchdog;
	}

	/**
	 * Also capture blocking calls on non-blocking threads, caught by BlockHound, until
	 * closed. Installs BlockHound the first time in this JVM.
	 * @return this capture
	 * @throws IllegalStateException if BlockHound is not on the class path or cannot be
	 * installed (on JDK 13 and later: without
	 * {@code -XX:+AllowRedefinitionToAddDeleteMethods})
	 */
	public StallCapture reportBlockingCalls() {
		this.watchdog.reportBlockingCalls();
		return this;
	}

	/**
	 * Blocking calls captured so far (only after {@link #reportBlockingCalls()}).
	 * @return the calls, in order
	 */
	public List<BlockingCall> blockingCalls() {
		return new ArrayList<>(this.blockingCalls);
	}

	/**
	 * Wait for the next blocking call that matches, skipping (and consuming) those that
	 * do not.
	 * @param timeout how long to wait
	 * @param condition what the call must satisfy
	 * @return the call
	 * @throws AssertionError if no such call is reported in time
	 */
	public BlockingCall awaitBlockingCall(Duration timeout, Predicate<BlockingCall> condition) {
		return awaitNext(this.unclaimedBlockingCalls, timeout, condition,
				() -> "Expected a blocking call within " + timeout + " but got "
						+ (this.blockingCalls.isEmpty() ? "none" : "only " + describeCalls(this.blockingCalls)));
	}

	/**
	 * Fail if any blocking call was captured.
	 * @throws AssertionError listing the calls, with their request IDs and calling frames
	 */
	public void assertNoBlockingCalls() {
		if (!this.blockingCalls.isEmpty()) {
			throw new AssertionError(
					"Expected no blocking call on a non-blocking thread but got " + describeCalls(this.blockingCalls));
		}
	}

	/**
	 * Stalls reported so far, each when it was detected (the thread still stuck).
	 * @return the reports, in order
	 */
	public List<StallReport> stalls() {
		return new ArrayList<>(this.stalls);
	}

	/**
	 * Stalls that ended so far, with their totals.
	 * @return the reports, in order
	 */
	public List<StallReport> recoveries() {
		return new ArrayList<>(this.recoveries);
	}

	/**
	 * Wait for the next stall not returned by an earlier call.
	 * @param timeout how long to wait
	 * @return the report
	 * @throws AssertionError if no stall is reported in time
	 */
	public StallReport awaitStall(Duration timeout) {
		return awaitStall(timeout, (report) -> true);
	}

	/**
	 * Wait for the next stall that matches, skipping (and consuming) those that do not.
	 * @param timeout how long to wait
	 * @param condition what the report must satisfy
	 * @return the report
	 * @throws AssertionError if no such stall is reported in time
	 */
	public StallReport awaitStall(Duration timeout, Predicate<StallReport> condition) {
		return awaitNext(this.unclaimed, timeout, condition, () -> "Expected a stall within " + timeout + " but got "
				+ ((this.stalls.isEmpty()) ? "none" : "only " + describe(this.stalls)));
	}

	private static <T> T awaitNext(BlockingQueue<T> queue, Duration timeout, Predicate<T> condition,
			Supplier<String> failure) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = deadline - System.nanoTime();
				T next = (left > 0) ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
				if (next == null) {
					throw new AssertionError(failure.get());
				}
				if (condition.test(next)) {
					return next;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting", ex);
		}
	}

	/**
	 * Wait until the stall with the given report's ID has ended.
	 * @param stall a report returned by {@link #awaitStall(Duration)}
	 * @param timeout how long to wait
	 * @return the ended report, with its total
	 * @throws AssertionError if it does not end in time
	 */
	public StallReport awaitRecovery(StallReport stall, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (StallReport recovery : this.recoveries) {
				if (recovery.id() == stall.id()) {
					return recovery;
				}
			}
			// Polling a list filled by the watchdog thread; the check interval bounds the
			// wait.
			sleepBriefly();
		}
		throw new AssertionError(
				"Stall " + stall.id() + " on " + stall.threadName() + " did not end within " + timeout);
	}

	/**
	 * Fail if any stall was reported.
	 * @throws AssertionError listing the stalls
	 */
	public void assertNoStalls() {
		if (!this.stalls.isEmpty()) {
			throw new AssertionError("Expected no stalled non-blocking thread but got " + describe(this.stalls));
		}
	}

	/**
	 * Stop listening; a standalone capture also removes its hook and stops its watchdog,
	 * after which the blocking calls still queued have been captured. The watchdog of a
	 * capture made with {@link #of(Watchdog)} keeps running, and keeps reporting blocking
	 * calls if it did.
	 */
	@Override
	public void close() {
		if (this.ownTimer != null) {
			this.ownTimer.uninstall();
			this.watchdog.close();
		}
		this.watchdog.removeListener(this.listener);
	}

	private static String describe(List<StallReport> reports) {
		StringBuilder text = new StringBuilder();
		for (StallReport report : reports) {
			text.append(System.lineSeparator())
				.append("  ")
				.append(report.threadName())
				.append(" stuck ")
				.append(report.durationSoFar().toMillis())
				.append(" ms (")
				.append(report.cause().tag())
				.append(") request ")
				.append(report.requestId());
			if (!report.stack().isEmpty()) {
				text.append(" at ").append(report.stack().get(0));
			}
		}
		return text.toString();
	}

	private static String describeCalls(List<BlockingCall> calls) {
		StringBuilder text = new StringBuilder();
		for (BlockingCall call : calls) {
			StackTraceElement caller = call.topApplicationFrame();
			text.append(System.lineSeparator())
				.append("  ")
				.append(call.method())
				.append(" on ")
				.append(call.threadName())
				.append(" request ")
				.append(call.requestId());
			if (caller != null) {
				text.append(" called from ").append(caller);
			}
		}
		return text.toString();
	}

	private static void sleepBriefly() {
		try {
			TimeUnit.MILLISECONDS.sleep(5);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a recovery", ex);
		}
	}

}
