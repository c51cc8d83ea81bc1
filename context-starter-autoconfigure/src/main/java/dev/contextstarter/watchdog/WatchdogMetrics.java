package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of a {@link Watchdog}: {@code context.watchdog.stalls{pool,cause}},
 * {@code context.watchdog.stall.duration{pool,cause}},
 * {@code context.watchdog.eventloop.lag{loop}} (a histogram per event loop),
 * {@code context.watchdog.stalled.threads} (stalls going on now) and
 * {@code context.watchdog.blocking.calls{pool}} (blocking calls BlockHound caught, when
 * on).
 */
public final class WatchdogMetrics implements AutoCloseable {

	/** Stalls counted by pool and cause. */
	public static final String STALLS = "context.watchdog.stalls";

	/** Total duration of ended stalls. */
	public static final String STALL_DURATION = "context.watchdog.stall.duration";

	/** How long event loop probes waited. */
	public static final String EVENT_LOOP_LAG = "context.watchdog.eventloop.lag";

	/** Blocking calls on non-blocking threads caught by BlockHound. */
	public static final String BLOCKING_CALLS = "context.watchdog.blocking.calls";

	/** Threads stalled now. */
	public static final String STALLED_THREADS = "context.watchdog.stalled.threads";

	private final Watchdog watchdog;

	private final MeterRegistry registry;

	private final Map<String, Timer> lagTimers = new ConcurrentHashMap<>();

	/** Not a listener bean itself: the watchdog bean collects listener beans. */
	private final WatchdogListener listener = new WatchdogListener() {

		@Override
		public void onStall(StallReport report) {
			countStall(report);
		}

		@Override
		public void onRecovery(StallReport report) {
			recordDuration(report);
		}

		@Override
		public void onEventLoopLag(String loopThreadName, long lagNanos) {
			recordLag(loopThreadName, lagNanos);
		}

		@Override
		public void onBlockingCall(BlockingCall call) {
			countBlockingCall(call);
		}

	};

	/**
	 * Register the meters and listen to the watchdog.
	 * @param watchdog the watchdog
	 * @param registry where the meters go
	 */
	public WatchdogMetrics(Watchdog watchdog, MeterRegistry registry) {
		this.watchdog = watchdog;
		this.registry = registry;
		Gauge.builder(STALLED_THREADS, watchdog, Watchdog::stalledNow)
			.description("Threads stuck in one task past the watchdog threshold right now")
			.register(registry);
		watchdog.addListener(this.listener);
	}

	private void countStall(StallReport report) {
		Counter.builder(STALLS)
			.description("Stalls of non-blocking threads, and JVM pauses")
			.tag("pool", report.pool())
			.tag("cause", report.cause().tag())
			.register(this.registry)
			.increment();
	}

	private void countBlockingCall(BlockingCall call) {
		Counter.builder(BLOCKING_CALLS)
			.description("Blocking calls on non-blocking threads caught by BlockHound")
			.tag("pool", call.pool())
			.register(this.registry)
			.increment();
	}

	private void recordDuration(StallReport report) {
		Duration total = report.total();
		if (total == null) {
			return;
		}
		Timer.builder(STALL_DURATION)
			.description("Total duration of stalls of non-blocking threads, and JVM pauses")
			.tag("pool", report.pool())
			.tag("cause", report.cause().tag())
			.register(this.registry)
			.record(total);
	}

	private void recordLag(String loopThreadName, long lagNanos) {
		this.lagTimers.computeIfAbsent(loopThreadName, this::lagTimer).record(lagNanos, TimeUnit.NANOSECONDS);
	}

	private Timer lagTimer(String loopThreadName) {
		return Timer.builder(EVENT_LOOP_LAG)
			.description("How long a probe task waited in an event loop's queue")
			.tag("loop", loopThreadName)
			.publishPercentileHistogram()
			.register(this.registry);
	}

	@Override
	public void close() {
		this.watchdog.removeListener(this.listener);
	}

}
