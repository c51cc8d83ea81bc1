package dev.contextstarter.clock.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.contextstarter.clock.BackwardPolicy;
import dev.contextstarter.clock.MisfirePolicy;
import dev.contextstarter.clock.WallTaskPolicy;

/**
 * Configuration of clock-jump detection and the clock-jump-aware task scheduler.
 */
@ConfigurationProperties("context.clock")
public class ClockProperties implements Validator {

	/**
	 * Whether to detect wall-clock jumps and process stalls and to make scheduled
	 * wall-clock tasks jump-aware.
	 */
	private boolean enabled = true;

	/**
	 * Time between two comparisons of the wall clock with the monotonic clock; also the
	 * longest a wall-clock task sleeps before it re-reads the wall clock.
	 */
	private Duration checkInterval = Duration.ofSeconds(1);

	/**
	 * Change of the wall clock relative to the monotonic clock between two checks that
	 * counts as a jump.
	 */
	private Duration jumpThreshold = Duration.ofSeconds(1);

	/**
	 * Extra monotonic time beyond the check interval between two checks that counts as a
	 * process stall (long GC, SIGSTOP, VM freeze).
	 */
	private Duration stallThreshold = Duration.ofSeconds(2);

	private final Scheduler scheduler = new Scheduler();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public Duration getJumpThreshold() {
		return this.jumpThreshold;
	}

	public void setJumpThreshold(Duration jumpThreshold) {
		this.jumpThreshold = jumpThreshold;
	}

	public Duration getStallThreshold() {
		return this.stallThreshold;
	}

	public void setStallThreshold(Duration stallThreshold) {
		this.stallThreshold = stallThreshold;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	@Override
	public boolean supports(Class<?> type) {
		return ClockProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		ClockProperties properties = (ClockProperties) target;
		positive(errors, "checkInterval", "context.clock.check-interval", properties.getCheckInterval());
		positive(errors, "jumpThreshold", "context.clock.jump-threshold", properties.getJumpThreshold());
		notNegative(errors, "stallThreshold", "context.clock.stall-threshold", properties.getStallThreshold());
		notNegative(errors, "scheduler.grace", "context.clock.scheduler.grace", properties.getScheduler().getGrace());
		properties.getScheduler().getTasks().forEach((name, task) -> {
			Duration grace = task.getGrace();
			if (grace != null) {
				notNegative(errors, "scheduler.tasks[" + name + "].grace",
						"context.clock.scheduler.tasks[" + name + "].grace", grace);
			}
		});
	}

	private static void positive(Errors errors, String field, String property, @Nullable Duration value) {
		if (value == null || !(value.compareTo(Duration.ZERO) > 0)) {
			errors.rejectValue(field, "context.clock.positive", property + " must be positive but was " + value);
		}
	}

	private static void notNegative(Errors errors, String field, String property, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			errors.rejectValue(field, "context.clock.notNegative", property + " must not be negative but was " + value);
		}
	}

	/**
	 * Configuration of the clock-jump-aware task scheduler.
	 */
	public static class Scheduler {

		/**
		 * Whether {@code @Scheduled} and injected TaskScheduler tasks use the
		 * clock-jump-aware scheduler.
		 */
		private boolean enabled = true;

		/**
		 * How late a wall-clock task may start after its nominal time and still run as a
		 * normal run; beyond it the misfire policy applies.
		 */
		private Duration grace = Duration.ofSeconds(60);

		/**
		 * What a wall-clock task does when it wakes later than the grace period: run once
		 * for all missed occurrences, or skip them.
		 */
		private MisfirePolicy misfirePolicy = MisfirePolicy.FIRE_ONCE;

		/**
		 * What a wall-clock task does after the wall clock is stepped back: hold (never
		 * repeat an occurrence), rerun (resume after the new wall time), or auto (hold
		 * when the jump is shorter than the task's period, rerun otherwise).
		 */
		private BackwardPolicy backwardPolicy = BackwardPolicy.AUTO;

		/**
		 * Policies of single tasks, keyed by task name (for {@code @Scheduled} methods
		 * the qualified method name, for example {@code com.example.Reports.daily}).
		 */
		private final Map<String, Task> tasks = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

		public MisfirePolicy getMisfirePolicy() {
			return this.misfirePolicy;
		}

		public void setMisfirePolicy(MisfirePolicy misfirePolicy) {
			this.misfirePolicy = misfirePolicy;
		}

		public BackwardPolicy getBackwardPolicy() {
			return this.backwardPolicy;
		}

		public void setBackwardPolicy(BackwardPolicy backwardPolicy) {
			this.backwardPolicy = backwardPolicy;
		}

		public Map<String, Task> getTasks() {
			return this.tasks;
		}

		/**
		 * Return the policy that applies when no task entry matches.
		 * @return the default policy
		 */
		WallTaskPolicy defaultPolicy() {
			return new WallTaskPolicy(this.grace, this.misfirePolicy, this.backwardPolicy);
		}

		/**
		 * Return the policy of the named task: its own entries over the defaults.
		 * @param name the task's name
		 * @return the policy
		 */
		WallTaskPolicy policyOf(String name) {
			WallTaskPolicy policy = defaultPolicy();
			Task task = this.tasks.get(name);
			if (task == null) {
				return policy;
			}
			if (task.getGrace() != null) {
				policy = policy.withGrace(task.getGrace());
			}
			if (task.getMisfirePolicy() != null) {
				policy = policy.withMisfirePolicy(task.getMisfirePolicy());
			}
			if (task.getBackwardPolicy() != null) {
				policy = policy.withBackwardPolicy(task.getBackwardPolicy());
			}
			return policy;
		}

	}

	/**
	 * Overrides for one task; unset entries fall back to the scheduler's.
	 */
	public static class Task {

		/**
		 * Grace period of this task.
		 */
		private @Nullable Duration grace;

		/**
		 * Misfire policy of this task.
		 */
		private @Nullable MisfirePolicy misfirePolicy;

		/**
		 * Backward policy of this task.
		 */
		private @Nullable BackwardPolicy backwardPolicy;

		public @Nullable Duration getGrace() {
			return this.grace;
		}

		public void setGrace(@Nullable Duration grace) {
			this.grace = grace;
		}

		public @Nullable MisfirePolicy getMisfirePolicy() {
			return this.misfirePolicy;
		}

		public void setMisfirePolicy(@Nullable MisfirePolicy misfirePolicy) {
			this.misfirePolicy = misfirePolicy;
		}

		public @Nullable BackwardPolicy getBackwardPolicy() {
			return this.backwardPolicy;
		}

		public void setBackwardPolicy(@Nullable BackwardPolicy backwardPolicy) {
			this.backwardPolicy = backwardPolicy;
		}

	}

}
