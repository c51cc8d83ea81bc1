package dev.contextstarter.watchdog.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.contextstarter.watchdog.WatchdogSettings;

/**
 * Settings of the scheduler watchdog.
 */
@ConfigurationProperties("context.watchdog")
public class WatchdogProperties implements Validator {

	/**
	 * Whether to watch non-blocking threads for stalls.
	 */
	private boolean enabled = true;

	/**
	 * How long a task may run on a non-blocking scheduler thread before it is reported as
	 * a stall.
	 */
	private Duration threshold = Duration.ofMillis(200);

	/**
	 * How long an event loop may leave its probe task waiting before it is reported as
	 * stuck. Defaults to the threshold.
	 */
	private @Nullable Duration eventLoopThreshold;

	/**
	 * How often the watchdog thread checks the watched threads and probes the event
	 * loops. Must be shorter than the thresholds.
	 */
	private Duration checkInterval = Duration.ofMillis(50);

	/**
	 * How long after start-up nothing is reported (class loading and JIT warm-up are
	 * slow).
	 */
	private Duration startupGrace = Duration.ofSeconds(10);

	/**
	 * Interval of the log budget: at most max-full-reports stalls are logged in full
	 * (with their stack) per interval, the others are summed up in one WARN line at its
	 * end. 0 logs every stall in full.
	 */
	private Duration reportInterval = Duration.ofSeconds(10);

	/**
	 * How many stalls (and, apart, blocking calls) are logged in full per report
	 * interval, across all threads.
	 */
	private int maxFullReports = 5;

	/**
	 * How many stack samples the watchdog takes of one stall, one per check while the
	 * thread stays stuck, to report where the stall spent its time.
	 */
	private int maxSamples = 100;

	/**
	 * How much later than planned the watchdog thread may wake before the delay is
	 * reported as a pause of the whole JVM (GC, safepoint, process suspended) instead of
	 * being blamed on tasks.
	 */
	private Duration jvmPauseThreshold = Duration.ofMillis(200);

	/**
	 * How many ended stalls the actuator endpoint keeps.
	 */
	private int recentStalls = 50;

	/**
	 * How many stack frames a stall report keeps.
	 */
	private int stackDepth = 32;

	/**
	 * Whether to time Reactor scheduler tasks on non-blocking threads.
	 */
	private boolean reactorTasks = true;

	/**
	 * Whether to probe the Reactor Netty event loops.
	 */
	private boolean eventLoops = true;

	private final Jfr jfr = new Jfr();

	private final BlockHound blockhound = new BlockHound();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getThreshold() {
		return this.threshold;
	}

	public void setThreshold(Duration threshold) {
		this.threshold = threshold;
	}

	public @Nullable Duration getEventLoopThreshold() {
		return this.eventLoopThreshold;
	}

	public void setEventLoopThreshold(@Nullable Duration eventLoopThreshold) {
		this.eventLoopThreshold = eventLoopThreshold;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public Duration getStartupGrace() {
		return this.startupGrace;
	}

	public void setStartupGrace(Duration startupGrace) {
		this.startupGrace = startupGrace;
	}

	public Duration getReportInterval() {
		return this.reportInterval;
	}

	public void setReportInterval(Duration reportInterval) {
		this.reportInterval = reportInterval;
	}

	public Duration getJvmPauseThreshold() {
		return this.jvmPauseThreshold;
	}

	public void setJvmPauseThreshold(Duration jvmPauseThreshold) {
		this.jvmPauseThreshold = jvmPauseThreshold;
	}

	public int getRecentStalls() {
		return this.recentStalls;
	}

	public void setRecentStalls(int recentStalls) {
		this.recentStalls = recentStalls;
	}

	public int getStackDepth() {
		return this.stackDepth;
	}

	public void setStackDepth(int stackDepth) {
		this.stackDepth = stackDepth;
	}

	public int getMaxFullReports() {
		return this.maxFullReports;
	}

	public void setMaxFullReports(int maxFullReports) {
		this.maxFullReports = maxFullReports;
	}

	public int getMaxSamples() {
		return this.maxSamples;
	}

	public void setMaxSamples(int maxSamples) {
		this.maxSamples = maxSamples;
	}

	public Jfr getJfr() {
		return this.jfr;
	}

	public BlockHound getBlockhound() {
		return this.blockhound;
	}

	public boolean isReactorTasks() {
		return this.reactorTasks;
	}

	public void setReactorTasks(boolean reactorTasks) {
		this.reactorTasks = reactorTasks;
	}

	public boolean isEventLoops() {
		return this.eventLoops;
	}

	public void setEventLoops(boolean eventLoops) {
		this.eventLoops = eventLoops;
	}

	/**
	 * The event loop threshold in force.
	 * @return the event loop threshold, or the threshold when none is set
	 */
	Duration effectiveEventLoopThreshold() {
		return (this.eventLoopThreshold != null) ? this.eventLoopThreshold : this.threshold;
	}

	/**
	 * The watchdog settings these properties describe.
	 * @return the settings
	 */
	WatchdogSettings toSettings() {
		return new WatchdogSettings(this.threshold, effectiveEventLoopThreshold(), this.checkInterval,
				this.startupGrace, this.reportInterval, this.jvmPauseThreshold, this.recentStalls, this.stackDepth,
				this.maxFullReports, this.maxSamples);
	}

	@Override
	public boolean supports(Class<?> type) {
		return WatchdogProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		WatchdogProperties properties = (WatchdogProperties) target;
		requirePositive(errors, "threshold", properties.getThreshold());
		requirePositive(errors, "checkInterval", properties.getCheckInterval());
		requirePositive(errors, "jvmPauseThreshold", properties.getJvmPauseThreshold());
		if (properties.getEventLoopThreshold() != null) {
			requirePositive(errors, "eventLoopThreshold", properties.getEventLoopThreshold());
		}
		if (isPositive(properties.getThreshold()) && isPositive(properties.getCheckInterval())
				&& isPositive(properties.effectiveEventLoopThreshold())) {
			Duration shortest = min(properties.getThreshold(), properties.effectiveEventLoopThreshold());
			if (properties.getCheckInterval().compareTo(shortest) >= 0) {
				errors.rejectValue("checkInterval", "watchdog.checkInterval.tooLong",
						"context.watchdog.check-interval (" + properties.getCheckInterval()
								+ ") must be shorter than context.watchdog.threshold and "
								+ "context.watchdog.event-loop-threshold (" + shortest + ")");
			}
		}
		if (properties.getStartupGrace().isNegative()) {
			errors.rejectValue("startupGrace", "watchdog.negative",
					"context.watchdog.startup-grace must not be negative");
		}
		if (properties.getReportInterval().isNegative()) {
			errors.rejectValue("reportInterval", "watchdog.negative",
					"context.watchdog.report-interval must not be negative");
		}
		if (properties.getRecentStalls() < 0) {
			errors.rejectValue("recentStalls", "watchdog.negative",
					"context.watchdog.recent-stalls must not be negative");
		}
		if (properties.getStackDepth() < 1) {
			errors.rejectValue("stackDepth", "watchdog.stackDepth.tooSmall",
					"context.watchdog.stack-depth must be at least 1");
		}
		if (properties.getMaxFullReports() < 1) {
			errors.rejectValue("maxFullReports", "watchdog.maxFullReports.tooSmall",
					"context.watchdog.max-full-reports must be at least 1");
		}
		if (properties.getMaxSamples() < 1) {
			errors.rejectValue("maxSamples", "watchdog.maxSamples.tooSmall",
					"context.watchdog.max-samples must be at least 1");
		}
	}

	private static void requirePositive(Errors errors, String field, Duration value) {
		if (!isPositive(value)) {
			errors.rejectValue(field, "watchdog.notPositive",
					"context.watchdog." + kebab(field) + " must be positive, was " + value);
		}
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isZero() && !duration.isNegative();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static String kebab(String field) {
		return field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * JDK Flight Recorder events of the watchdog.
	 */
	public static class Jfr {

		/**
		 * Whether each ended stall and each JVM pause is also a JFR event, committed when
		 * it ends (nothing per task).
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * BlockHound integration.
	 */
	public static class BlockHound {

		/**
		 * Whether to install BlockHound (io.projectreactor.tools:blockhound, JVM flag
		 * -XX:+AllowRedefinitionToAddDeleteMethods on JDK 13+) and report each blocking
		 * call on a non-blocking thread with its request instead of throwing. Meant for
		 * tests and staging.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
