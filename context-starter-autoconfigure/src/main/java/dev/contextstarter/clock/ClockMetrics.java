package dev.contextstarter.clock;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Micrometer meters of the clock feature: {@code context.clock.jumps{direction}},
 * {@code context.clock.skew} (seconds), {@code context.clock.stalls},
 * {@code context.scheduler.misfires{policy}} and {@code context.scheduler.lateness}.
 */
public class ClockMetrics implements ApplicationListener<ClockEvent>, ScheduledRunListener {

	private final MeterRegistry registry;

	private final Map<JumpDirection, Counter> jumps = new ConcurrentHashMap<>();

	private final Map<MisfirePolicy, Counter> misfires = new ConcurrentHashMap<>();

	private final Counter stalls;

	private final Timer lateness;

	/**
	 * Create the meters.
	 * @param registry the registry
	 * @param detector the detector whose skew is gauged
	 */
	public ClockMetrics(MeterRegistry registry, ClockJumpDetector detector) {
		this.registry = registry;
		Gauge.builder("context.clock.skew", detector, (d) -> d.currentSkew().toNanos() / 1e9)
			.description("Wall clock minus monotonic clock since start, the sum of all jumps")
			.baseUnit("seconds")
			.register(registry);
		for (JumpDirection direction : JumpDirection.values()) {
			this.jumps.put(direction,
					Counter.builder("context.clock.jumps")
						.description("Wall-clock jumps")
						.tag("direction", direction.tagValue())
						.register(registry));
		}
		for (MisfirePolicy policy : MisfirePolicy.values()) {
			this.misfires.put(policy,
					Counter.builder("context.scheduler.misfires")
						.description("Wall-clock task wakes later than the grace period, by the policy applied")
						.tag("policy", policy.tagValue())
						.register(registry));
		}
		this.stalls = Counter.builder("context.clock.stalls").description("Process stalls").register(registry);
		this.lateness = Timer.builder("context.scheduler.lateness")
			.description("How late wall-clock task runs start after their nominal time")
			.register(registry);
	}

	@Override
	public void onApplicationEvent(ClockEvent event) {
		if (event instanceof ClockJumpEvent jump) {
			counter(this.jumps, jump.getDirection()).increment();
		}
		else if (event instanceof ProcessStallEvent) {
			this.stalls.increment();
		}
	}

	@Override
	public void onRun(ScheduledRun run) {
		if (run.reason() != RunReason.ELAPSED) {
			this.lateness.record(run.lateness());
		}
	}

	@Override
	public void onMisfire(String task, MisfirePolicy policy, long missed) {
		counter(this.misfires, policy).increment();
	}

	private static <K> Counter counter(Map<K, Counter> counters, K key) {
		Counter counter = counters.get(key);
		Assert.state(counter != null, () -> "No counter for " + key + ": the constructor registers one per constant");
		return counter;
	}

	@Override
	public String toString() {
		return "ClockMetrics[" + this.registry + "]";
	}

}
