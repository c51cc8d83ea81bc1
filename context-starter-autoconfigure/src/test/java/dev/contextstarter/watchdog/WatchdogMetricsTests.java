package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WatchdogMetrics}.
 */
class WatchdogMetricsTests {

	private final ManualWatchdog manual = new ManualWatchdog(
			WatchdogSettings.defaults().withStartupGrace(Duration.ZERO));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void stallsAreCountedAndTimedByPoolAndCause() throws InterruptedException {
		new WatchdogMetrics(this.manual.watchdog(), this.registry);
		Thread sleeper = new Thread(() -> sleep(5000), "parallel-3");
		sleeper.start();
		try {
			ManualWatchdog.awaitAsleep(sleeper);
			this.manual.stall(sleeper, 400, 50);
		}
		finally {
			sleeper.interrupt();
			sleeper.join(5000);
		}
		assertThat(this.registry.get(WatchdogMetrics.STALLS).tag("pool", "parallel").counter().count()).isOne();
		assertThat(this.registry.get(WatchdogMetrics.STALL_DURATION).tag("pool", "parallel").timer().count()).isOne();
		assertThat(this.registry.get(WatchdogMetrics.STALLED_THREADS).gauge().value()).isZero();
	}

	@Test
	void aStallInProgressShowsInTheGauge() throws InterruptedException {
		new WatchdogMetrics(this.manual.watchdog(), this.registry);
		Thread sleeper = new Thread(() -> sleep(5000), "single-1");
		sleeper.start();
		try {
			ManualWatchdog.awaitAsleep(sleeper);
			this.manual.stallWithoutEnd(sleeper, 300, 50);
			assertThat(this.registry.get(WatchdogMetrics.STALLED_THREADS).gauge().value()).isOne();
		}
		finally {
			sleeper.interrupt();
			sleeper.join(5000);
		}
	}

	@Test
	void eventLoopLagIsAHistogramPerLoop() {
		new WatchdogMetrics(this.manual.watchdog(), this.registry);
		this.manual.lag("reactor-http-nio-1", TimeUnit.MILLISECONDS.toNanos(3));
		this.manual.lag("reactor-http-nio-1", TimeUnit.MILLISECONDS.toNanos(5));
		this.manual.lag("reactor-http-nio-2", TimeUnit.MILLISECONDS.toNanos(1));
		assertThat(this.registry.get(WatchdogMetrics.EVENT_LOOP_LAG).tag("loop", "reactor-http-nio-1").timer().count())
			.isEqualTo(2);
		assertThat(this.registry.get(WatchdogMetrics.EVENT_LOOP_LAG)
			.tag("loop", "reactor-http-nio-1")
			.timer()
			.max(TimeUnit.MILLISECONDS)).isEqualTo(5);
		assertThat(this.registry.get(WatchdogMetrics.EVENT_LOOP_LAG).timers()).hasSize(2);
	}

	@Test
	void closingStopsListening() throws InterruptedException {
		WatchdogMetrics metrics = new WatchdogMetrics(this.manual.watchdog(), this.registry);
		metrics.close();
		this.manual.lag("reactor-http-nio-1", 1000);
		assertThat(this.registry.find(WatchdogMetrics.EVENT_LOOP_LAG).timers()).isEmpty();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
