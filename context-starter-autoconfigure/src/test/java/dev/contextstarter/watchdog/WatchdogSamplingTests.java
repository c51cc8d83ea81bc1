package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stack sampling during a real stall of a Reactor parallel worker, on the system clocks:
 * where a stall that changes phase spent its time.
 */
class WatchdogSamplingTests {

	private final List<StallReport> recoveries = new CopyOnWriteArrayList<>();

	private Watchdog watchdog;

	private ReactorTaskTimer timer;

	@BeforeEach
	void start() {
		start(WatchdogSettings.defaults()
			.withThreshold(Duration.ofMillis(100))
			.withCheckInterval(Duration.ofMillis(20))
			.withStartupGrace(Duration.ZERO));
	}

	private void start(WatchdogSettings settings) {
		this.watchdog = new Watchdog(settings);
		this.watchdog.addListener(new WatchdogListener() {

			@Override
			public void onRecovery(StallReport report) {
				WatchdogSamplingTests.this.recoveries.add(report);
			}

		});
		this.timer = new ReactorTaskTimer(this.watchdog, "dev.contextstarter.watchdog.WatchdogSamplingTests");
		this.timer.install();
		this.watchdog.start();
	}

	@AfterEach
	void stop() {
		this.timer.uninstall();
		this.watchdog.close();
	}

	@Test
	void aStallThatSleepsThenSpinsNamesBothPhasesWithTheSpinTakingTheLargerShare() {
		Mono.fromRunnable(() -> {
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder.open(RequestIdContext.of("sampled-1"))) {
				sleepPhase(300);
				spinPhase(900);
			}
		}).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !this.recoveries.isEmpty());
		StallReport report = this.recoveries.get(0);
		assertThat(report.requestId()).isEqualTo("sampled-1");
		assertThat(report.samples()).isGreaterThan(5).isLessThanOrEqualTo(WatchdogSettings.DEFAULT_MAX_SAMPLES);
		String test = WatchdogSamplingTests.class.getSimpleName();
		FrameShare sleep = share(report, "Thread.sleep ← " + test + ".sleepPhase");
		FrameShare spin = share(report, test + ".spinPhase");
		assertThat(spin.share()).isGreaterThan(sleep.share());
		assertThat(sleep.share() + spin.share()).isGreaterThan(0.9);
	}

	@Test
	void samplingStopsAtTheCap() {
		stop();
		start(new WatchdogSettings(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(20), Duration.ZERO,
				Duration.ofSeconds(10), Duration.ofMillis(200), 50, 32, 5, 4));
		Mono.fromRunnable(() -> sleepPhase(500)).subscribeOn(Schedulers.parallel()).block(Duration.ofSeconds(10));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !this.recoveries.isEmpty());
		assertThat(this.recoveries.get(0).samples()).isEqualTo(4);
		assertThat(this.recoveries.get(0).hotFrames()).singleElement()
			.satisfies((hot) -> assertThat(hot.samples()).isEqualTo(4));
	}

	private static FrameShare share(StallReport report, String prefix) {
		return report.hotFrames()
			.stream()
			.filter((hot) -> hot.frame().startsWith(prefix))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No frame starting with " + prefix + " in " + report.hotFrames()));
	}

	static void sleepPhase(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static long spinPhase(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long sum = 0;
		while (System.nanoTime() < deadline) {
			sum += System.nanoTime() & 7;
		}
		return sum;
	}

}
