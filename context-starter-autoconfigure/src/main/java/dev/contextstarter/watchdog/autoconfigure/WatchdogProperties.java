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
	 * How long a task may run on a non-blocking scheduler thread before it is reported as a stall.
	 */
	private Duration threshold = Duration.ofMillis(200);

	/**
	 * How long an event loop may leave its probe task waiting before it is reported as stuck.
	 * Defaults to the threshold.
	 */
	private @Nullable Duration eventLoopThreshold;

	/**
	 * How often the watchdog thread checks the watched threads and probes the event loops. Must be
	 * shorter than the thresholds.
	 */
	private Duration checkInterval = Duration.ofMillis(50);

	/**
	 * How long after start-up nothing is reported (class loading and JIT warm-up are slow).
	 */
	private Duration startupGrace = Duration.ofSeconds(10);

	/**
	 * Minimum time between two logged stalls of the same thread; stalls in between are still
	 * counted and kept.
	 */
	private Duration reportInterval = Duration.ofSeconds(10);

	/**
	 * How much later than planned the watchdog thread may wake before the delay is reported as a
	 * pause of the whole JVM (GC, safepoint, process suspended) instead of being blamed on tasks.
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
	public Duration effectiveEventLoopThreshold() {
		return (this.eventLoopThreshold != null) ? this.eventLoopThreshold : this.threshold;
	}

	/**
	 * The watchdog settings these properties describe.
	 * @return the settings
	 */
	public WatchdogSettings toSettings() {
		return new WatchdogSettings(this.threshold, effectiveEventLoopThreshold(), this.checkInterval,
				this.startupGrace, this.reportInterval, this.jvmPauseThreshold, this.recentStalls, this.stackDepth);
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

}
