package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings a {@link Watchdog} runs with.
 *
 * @param threshold how long a scheduler task may run on a non-blocking thread before it
 * is a stall
 * @param eventLoopThreshold how long an event loop probe may wait before the loop is
 * stuck
 * @param checkInterval how often the watchdog thread checks
 * @param startupGrace how long after start nothing is reported (class loading, JIT
 * warm-up)
 * @param reportInterval the interval of the log budget: at most {@code maxFullReports}
 * stalls are logged in full per interval, the others are summed up in one line at its end
 * ({@link Duration#ZERO}: every stall in full)
 * @param jvmPauseThreshold how late the watchdog thread may wake before it reports a JVM
 * pause
 * @param recentStalls how many ended stalls the ring buffer keeps
 * @param stackDepth how many stack frames a report keeps
 * @param maxFullReports how many stalls (and, apart, blocking calls) are logged in full
 * per report interval
 * @param maxSamples how many stack samples the watchdog takes of one stall, one per check
 */
public record WatchdogSettings(Duration threshold, Duration eventLoopThreshold, Duration checkInterval,
		Duration startupGrace, Duration reportInterval, Duration jvmPauseThreshold, int recentStalls, int stackDepth,
		int maxFullReports, int maxSamples) {

	/** Full reports per report interval by default. */
	static final int DEFAULT_MAX_FULL_REPORTS = 5;

	/** Stack samples per stall by default: 5 s at the default check interval. */
	static final int DEFAULT_MAX_SAMPLES = 100;

	public WatchdogSettings {
		Objects.requireNonNull(threshold, "threshold must not be null");
		Objects.requireNonNull(eventLoopThreshold, "eventLoopThreshold must not be null");
		Objects.requireNonNull(checkInterval, "checkInterval must not be null");
		Objects.requireNonNull(startupGrace, "startupGrace must not be null");
		Objects.requireNonNull(reportInterval, "reportInterval must not be null");
		Objects.requireNonNull(jvmPauseThreshold, "jvmPauseThreshold must not be null");
		requirePositive(threshold, "threshold");
		requirePositive(eventLoopThreshold, "eventLoopThreshold");
		requirePositive(checkInterval, "checkInterval");
		requirePositive(jvmPauseThreshold, "jvmPauseThreshold");
		if (startupGrace.isNegative() || reportInterval.isNegative()) {
			throw new IllegalArgumentException("startupGrace and reportInterval must not be negative");
		}
		if (recentStalls < 0 || stackDepth < 1) {
			throw new IllegalArgumentException("recentStalls must be >= 0 and stackDepth >= 1");
		}
		if (maxFullReports < 1 || maxSamples < 1) {
			throw new IllegalArgumentException("maxFullReports and maxSamples must be >= 1");
		}
	}

	/**
	 * Settings with the default log budget and sampling.
	 * @param threshold how long a scheduler task may run on a non-blocking thread
	 * @param eventLoopThreshold how long an event loop probe may wait
	 * @param checkInterval how often the watchdog thread checks
	 * @param startupGrace how long after start nothing is reported
	 * @param reportInterval the interval of the log budget
	 * @param jvmPauseThreshold how late the watchdog thread may wake before it reports a
	 * JVM pause
	 * @param recentStalls how many ended stalls the ring buffer keeps
	 * @param stackDepth how many stack frames a report keeps
	 */
	public WatchdogSettings(Duration threshold, Duration eventLoopThreshold, Duration checkInterval,
			Duration startupGrace, Duration reportInterval, Duration jvmPauseThreshold, int recentStalls,
			int stackDepth) {
		this(threshold, eventLoopThreshold, checkInterval, startupGrace, reportInterval, jvmPauseThreshold,
				recentStalls, stackDepth, DEFAULT_MAX_FULL_REPORTS, DEFAULT_MAX_SAMPLES);
	}

	/**
	 * The defaults: 200 ms threshold for tasks and event loops, checked every 50 ms, 10 s
	 * start-up grace, at most 5 stalls logged in full every 10 s (the others summed up),
	 * 200 ms JVM pause threshold, 50 recent stalls with 32 frames each, at most 100 stack
	 * samples per stall.
	 * @return the default settings
	 */
	public static WatchdogSettings defaults() {
		Duration threshold = Duration.ofMillis(200);
		return new WatchdogSettings(threshold, threshold, Duration.ofMillis(50), Duration.ofSeconds(10),
				Duration.ofSeconds(10), threshold, 50, 32);
	}

	/**
	 * A copy with other thresholds for tasks and event loops.
	 * @param threshold the new threshold for both
	 * @return the settings
	 */
	public WatchdogSettings withThreshold(Duration threshold) {
		return new WatchdogSettings(threshold, threshold, this.checkInterval, this.startupGrace, this.reportInterval,
				this.jvmPauseThreshold, this.recentStalls, this.stackDepth, this.maxFullReports, this.maxSamples);
	}

	/**
	 * A copy with another check interval.
	 * @param checkInterval the interval
	 * @return the settings
	 */
	public WatchdogSettings withCheckInterval(Duration checkInterval) {
		return new WatchdogSettings(this.threshold, this.eventLoopThreshold, checkInterval, this.startupGrace,
				this.reportInterval, this.jvmPauseThreshold, this.recentStalls, this.stackDepth, this.maxFullReports,
				this.maxSamples);
	}

	/**
	 * A copy with another start-up grace period.
	 * @param startupGrace the grace period
	 * @return the settings
	 */
	public WatchdogSettings withStartupGrace(Duration startupGrace) {
		return new WatchdogSettings(this.threshold, this.eventLoopThreshold, this.checkInterval, startupGrace,
				this.reportInterval, this.jvmPauseThreshold, this.recentStalls, this.stackDepth, this.maxFullReports,
				this.maxSamples);
	}

	/**
	 * A copy with another log budget.
	 * @param reportInterval the interval of the budget, {@link Duration#ZERO} for no
	 * budget
	 * @param maxFullReports how many stalls are logged in full per interval
	 * @return the settings
	 */
	WatchdogSettings withLogBudget(Duration reportInterval, int maxFullReports) {
		return new WatchdogSettings(this.threshold, this.eventLoopThreshold, this.checkInterval, this.startupGrace,
				reportInterval, this.jvmPauseThreshold, this.recentStalls, this.stackDepth, maxFullReports,
				this.maxSamples);
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive");
		}
	}

}
