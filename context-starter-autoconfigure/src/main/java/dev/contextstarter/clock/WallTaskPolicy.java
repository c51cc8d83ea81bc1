package dev.contextstarter.clock;

import java.time.Duration;
import java.util.Objects;

import org.springframework.util.Assert;

/**
 * How one wall-clock task reacts to clock jumps.
 *
 * @param grace how late a run may start and still count as a normal run
 * @param misfirePolicy what happens when a run would start later than the grace period
 * @param backwardPolicy what happens when the wall clock is stepped back
 */
public record WallTaskPolicy(Duration grace, MisfirePolicy misfirePolicy, BackwardPolicy backwardPolicy) {

	/** The defaults: 60 s grace, {@code fire-once}, {@code auto}. */
	public static final WallTaskPolicy DEFAULT = new WallTaskPolicy(Duration.ofSeconds(60), MisfirePolicy.FIRE_ONCE,
			BackwardPolicy.AUTO);

	public WallTaskPolicy {
		Objects.requireNonNull(grace, "grace must not be null");
		Assert.isTrue(!grace.isNegative(), "grace must not be negative");
		Objects.requireNonNull(misfirePolicy, "misfirePolicy must not be null");
		Objects.requireNonNull(backwardPolicy, "backwardPolicy must not be null");
	}

	/**
	 * Return a copy with another misfire policy.
	 * @param policy the misfire policy
	 * @return the copy
	 */
	public WallTaskPolicy withMisfirePolicy(MisfirePolicy policy) {
		return new WallTaskPolicy(this.grace, policy, this.backwardPolicy);
	}

	/**
	 * Return a copy with another backward policy.
	 * @param policy the backward policy
	 * @return the copy
	 */
	public WallTaskPolicy withBackwardPolicy(BackwardPolicy policy) {
		return new WallTaskPolicy(this.grace, this.misfirePolicy, policy);
	}

	/**
	 * Return a copy with another grace period.
	 * @param grace the grace period
	 * @return the copy
	 */
	public WallTaskPolicy withGrace(Duration grace) {
		return new WallTaskPolicy(grace, this.misfirePolicy, this.backwardPolicy);
	}

}
