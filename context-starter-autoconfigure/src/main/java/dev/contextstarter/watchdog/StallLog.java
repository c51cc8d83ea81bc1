package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * The watchdog's log output, its default listener (called before the user's). Every stall
 * leaves a WARN line: in full (with the stack) while the global budget of
 * {@link WatchdogSettings#maxFullReports()} per {@link WatchdogSettings#reportInterval()}
 * lasts, otherwise counted in one summary line per interval; the end of a stall logged in
 * full is logged too. Blocking calls have a budget of their own, so a flood of them
 * cannot hide a stall. Used by the watchdog thread only.
 */
final class StallLog implements WatchdogListener {

	/** The logger users know: the watchdog's. */
	private static final Logger logger = LoggerFactory.getLogger(Watchdog.class);

	/** Starts every summary line, so that it can be searched for. */
	static final String SUMMARY_PREFIX = "Watchdog summary: ";

	private final LogBudget stalls;

	private final LogBudget blockingCalls;

	/** The watchdog's time of its current check, on which the budgets' intervals run. */
	private final LongSupplier checkTime;

	/** Stalls in progress that were logged in full: their end is logged too. */
	private final Set<Long> loggedInFull = new HashSet<>();

	StallLog(WatchdogSettings settings, LongSupplier checkTime) {
		this.checkTime = checkTime;
		long interval = settings.reportInterval().toNanos();
		this.stalls = new LogBudget(interval, settings.maxFullReports());
		this.blockingCalls = new LogBudget(interval, settings.maxFullReports());
	}

	/** Log a stall just found, or a JVM pause just ended: in full or in the summary. */
	@Override
	public void onStall(StallReport report) {
		if (report.source() == StallSource.JVM) {
			jvmPause(report);
			return;
		}
		if (this.stalls.take(this.checkTime.getAsLong(), this::writeStallSummary)) {
			this.loggedInFull.add(report.id());
			logStall(report);
			return;
		}
		StackTraceElement top = report.topApplicationFrame();
		String place = (top != null) ? ApplicationFrames.describe(top) : null;
		this.stalls.summary().add(report.threadName(), report.requestId(), place);
		this.stalls.summary()
			.worst(millis(report.durationSoFar()), "'" + report.threadName() + "'"
					+ describeRequest(report.requestContext()) + ((place != null) ? " at " + place : ""));
	}

	/** Log the end of a stall that was logged in full, with where it spent its time. */
	@Override
	public void onRecovery(StallReport report) {
		if (this.loggedInFull.remove(report.id())) {
			recovered(report);
		}
	}

	@Override
	public void onBlockingCall(BlockingCall call) {
		if (this.blockingCalls.take(this.checkTime.getAsLong(), this::writeBlockingCallSummary)) {
			if (logger.isWarnEnabled()) {
				StackTraceElement top = call.topApplicationFrame();
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(call.requestContext())) {
					logger.warn("Blocking call {} on non-blocking thread '{}' (pool {}){}; called from {}; stack:{}",
							call.method(), call.threadName(), call.pool(), describeRequest(call.requestContext()),
							describeTop(top), stackText(call.stack()));
				}
			}
			return;
		}
		this.blockingCalls.summary().add(call.threadName(), call.requestId(), call.method());
	}

	private void jvmPause(StallReport report) {
		// A JVM pause is reported once it is over: its duration so far is its total.
		if (this.stalls.take(this.checkTime.getAsLong(), this::writeStallSummary)) {
			logger.warn(
					"JVM-wide pause of {} ms seen by the watchdog (GC, safepoint, process suspended or "
							+ "starved of CPU); tasks running through it are not blamed for it",
					millis(report.durationSoFar()));
			return;
		}
		this.stalls.summary().add("jvm", null, null);
		this.stalls.summary().worst(millis(report.durationSoFar()), "a JVM-wide pause");
	}

	private void recovered(StallReport report) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(report.requestContext())) {
			logger.info("Thread '{}' (pool {}) recovered after {} ms in total{}{}", report.threadName(), report.pool(),
					millis(report.total()), describeRequest(report.requestContext()), describeSamples(report));
		}
	}

	/** Close the intervals that are over, writing their summaries. */
	void tick() {
		long now = this.checkTime.getAsLong();
		this.stalls.tick(now, this::writeStallSummary);
		this.blockingCalls.tick(now, this::writeBlockingCallSummary);
	}

	/** Forget the stalls in progress (the watchdog forgets them without an end). */
	void forgetInProgress() {
		this.loggedInFull.clear();
	}

	/** Write the summaries of the current intervals now. */
	void flush() {
		this.stalls.flush(this::writeStallSummary);
		this.blockingCalls.flush(this::writeBlockingCallSummary);
	}

	/** Stalls and JVM pauses logged in full. */
	long fullReports() {
		return this.stalls.full();
	}

	/** Stalls and JVM pauses counted in summary lines already written. */
	long summarized() {
		return this.stalls.summarized();
	}

	long blockingCallsInFull() {
		return this.blockingCalls.full();
	}

	long blockingCallsSummarized() {
		return this.blockingCalls.summarized();
	}

	private void logStall(StallReport report) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		StackTraceElement top = report.topApplicationFrame();
		// The stuck thread's request ID goes into this line's MDC as well as its text.
		try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(report.requestContext())) {
			logger.warn(
					"Thread '{}' (pool {}) stuck for {} ms so far (threshold {} ms){}; {} ({}); at {}; stack while stuck:{}",
					report.threadName(), report.pool(), millis(report.durationSoFar()), millis(report.threshold()),
					describeRequest(report.requestContext()),
					(report.cause() == StallCause.CPU_BOUND) ? "CPU-bound" : "blocked/waiting", report.threadState(),
					describeTop(top), stackText(report.stack()));
		}
	}

	private void writeStallSummary(LogBudget.Summary summary) {
		logger.warn(
				"{}{} more stalls in the last {} not logged in full (budget: {} per {}): threads {}, "
						+ "requests {}, at {}; worst {} ms: {}",
				SUMMARY_PREFIX, summary.count, seconds(this.stalls.intervalNanos()), this.stalls.max(),
				seconds(this.stalls.intervalNanos()), summary.threads, summary.requestIds, summary.places,
				summary.worstMillis, summary.worst);
	}

	private void writeBlockingCallSummary(LogBudget.Summary summary) {
		logger.warn(
				"{}{} more blocking calls in the last {} not logged in full (budget: {} per {}): threads {}, "
						+ "requests {}, methods {}",
				SUMMARY_PREFIX, summary.count, seconds(this.blockingCalls.intervalNanos()), this.blockingCalls.max(),
				seconds(this.blockingCalls.intervalNanos()), summary.threads, summary.requestIds, summary.places);
	}

	static String describeRequest(@Nullable RequestIdContext context) {
		if (context == null) {
			return ", serving no request";
		}
		return ", serving request " + context.requestId() + (context.fields().isEmpty() ? "" : " " + context.fields());
	}

	private static String describeSamples(StallReport report) {
		if (report.hotFrames().isEmpty()) {
			return "";
		}
		StringBuilder text = new StringBuilder("; where it spent its time (").append(report.samples())
			.append(" samples): ");
		List<FrameShare> hot = report.hotFrames();
		for (int i = 0; i < hot.size(); i++) {
			text.append((i > 0) ? "; " : "").append(hot.get(i));
		}
		return text.toString();
	}

	private static String describeTop(@Nullable StackTraceElement top) {
		return (top != null) ? ApplicationFrames.describe(top) : "library code";
	}

	private static String stackText(List<StackTraceElement> stack) {
		StringBuilder text = new StringBuilder();
		for (StackTraceElement frame : stack) {
			text.append(System.lineSeparator()).append("\tat ").append(frame);
		}
		return text.toString();
	}

	private static String seconds(long nanos) {
		return Duration.ofNanos(nanos).toMillis() / 1000.0 + " s";
	}

	static long millis(@Nullable Duration duration) {
		return (duration != null) ? duration.toMillis() : 0;
	}

}
