package dev.contextstarter.watchdog;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactorTaskTimer} and event loop probes with a running
 * {@link Watchdog} and real Reactor schedulers.
 */
class ReactorTaskTimerTests {

	private static final Duration THRESHOLD = Duration.ofMillis(200);

	private final List<StallReport> stalls = new CopyOnWriteArrayList<>();

	private final List<StallReport> recoveries = new CopyOnWriteArrayList<>();

	private final CountDownLatch stalled = new CountDownLatch(1);

	private final CountDownLatch recovered = new CountDownLatch(1);

	private final AtomicBoolean taskFinished = new AtomicBoolean();

	private final AtomicBoolean finishedBeforeReport = new AtomicBoolean();

	private Watchdog watchdog;

	private ReactorTaskTimer timer;

	@BeforeEach
	void start() {
		this.watchdog = new Watchdog(WatchdogSettings.defaults()
			.withThreshold(THRESHOLD)
			.withCheckInterval(Duration.ofMillis(20))
			.withStartupGrace(Duration.ZERO));
		this.watchdog.addListener(new WatchdogListener() {

			@Override
			public void onStall(StallReport report) {
				if (report.source() != StallSource.JVM) {
					ReactorTaskTimerTests.this.finishedBeforeReport.set(ReactorTaskTimerTests.this.taskFinished.get());
					ReactorTaskTimerTests.this.stalls.add(report);
					ReactorTaskTimerTests.this.stalled.countDown();
				}
			}

			@Override
			public void onRecovery(StallReport report) {
				if (report.source() != StallSource.JVM) {
					ReactorTaskTimerTests.this.recoveries.add(report);
					ReactorTaskTimerTests.this.recovered.countDown();
				}
			}

		});
		this.timer = new ReactorTaskTimer(this.watchdog, "test-" + getClass().getSimpleName());
		this.timer.install();
		this.watchdog.start();
	}

	@AfterEach
	void stop() {
		this.timer.uninstall();
		this.watchdog.close();
	}

	@Test
	void sleepInAPublishOnParallelStepIsReportedWhileStillStuck() throws InterruptedException {
		Mono.just("x").publishOn(Schedulers.parallel()).map((value) -> {
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
				.open(RequestIdContext.of("req-parallel"))) {
				sleepInParallelStep(1500);
			}
			this.taskFinished.set(true);
			return value;
		}).subscribe();
		assertThat(this.stalled.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.finishedBeforeReport).isFalse();
		assertThat(this.stalls).singleElement().satisfies((report) -> {
			assertThat(report.requestId()).isEqualTo("req-parallel");
			assertThat(report.pool()).isEqualTo("parallel");
			assertThat(report.source()).isEqualTo(StallSource.SCHEDULER_TASK);
			assertThat(report.cause()).isEqualTo(StallCause.BLOCKED);
			assertThat(report.threadState()).isEqualTo(Thread.State.TIMED_WAITING);
			assertThat(report.hasFrame(ReactorTaskTimerTests.class.getName(), "sleepInParallelStep")).isTrue();
			assertThat(report.durationSoFar()).isGreaterThan(THRESHOLD);
			assertThat(report.total()).isNull();
		});
		assertThat(this.recovered.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.recoveries).singleElement().satisfies((report) -> {
			assertThat(report.id()).isEqualTo(this.stalls.get(0).id());
			assertThat(report.total()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		});
	}

	@Test
	void aBusyLoopIsReportedAsCpuBound() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		Mono.fromRunnable(() -> spin(release)).subscribeOn(Schedulers.single()).subscribe();
		try {
			assertThat(this.stalled.await(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			release.countDown();
		}
		assertThat(this.stalls).singleElement().satisfies((report) -> {
			assertThat(report.cause()).isEqualTo(StallCause.CPU_BOUND);
			assertThat(report.threadState()).isEqualTo(Thread.State.RUNNABLE);
			assertThat(report.pool()).isEqualTo("single");
			assertThat(report.hasFrame(ReactorTaskTimerTests.class.getName(), "spin")).isTrue();
		});
		assertThat(this.recovered.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void blockingOnBoundedElasticIsNotReported() {
		String thread = Mono.fromCallable(() -> {
			Thread.sleep(600);
			return Thread.currentThread().getName();
		}).subscribeOn(Schedulers.boundedElastic()).block(Duration.ofSeconds(5));
		assertThat(thread).startsWith("boundedElastic");
		assertThat(this.stalls).isEmpty();
		assertThat(this.watchdog.totals().stalls()).isZero();
	}

	@Test
	void tasksAreTimedOnlyWhileTheHookIsInstalled() {
		assertThat(stackOfParallelTask())
			.anyMatch((frame) -> frame.getClassName().startsWith(ReactorTaskTimer.class.getName() + "$"));
		this.timer.uninstall();
		assertThat(stackOfParallelTask())
			.noneMatch((frame) -> frame.getClassName().startsWith(ReactorTaskTimer.class.getName() + "$"));
	}

	@Test
	void aStuckEventLoopIsFoundByItsProbe() throws InterruptedException {
		ExecutorService loop = Executors.newSingleThreadExecutor((task) -> new Thread(task, "test-loop-1"));
		CountDownLatch lagRecorded = new CountDownLatch(1);
		this.watchdog.addListener(new WatchdogListener() {

			@Override
			public void onEventLoopLag(String loopThreadName, long lagNanos) {
				if (loopThreadName.equals("test-loop-1") && lagNanos >= 0) {
					lagRecorded.countDown();
				}
			}

		});
		try {
			this.watchdog.probe(loop);
			assertThat(lagRecorded.await(5, TimeUnit.SECONDS)).isTrue();
			loop.execute(() -> {
				try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
					.open(RequestIdContext.of("req-loop"))) {
					sleepInParallelStep(1000);
				}
			});
			assertThat(this.stalled.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(this.stalls).singleElement().satisfies((report) -> {
				assertThat(report.source()).isEqualTo(StallSource.EVENT_LOOP);
				assertThat(report.threadName()).isEqualTo("test-loop-1");
				assertThat(report.pool()).isEqualTo("test-loop");
				assertThat(report.requestId()).isEqualTo("req-loop");
				assertThat(report.hasFrame(ReactorTaskTimerTests.class.getName(), "sleepInParallelStep")).isTrue();
			});
			assertThat(this.recovered.await(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			this.watchdog.stopProbing(loop);
			loop.shutdownNow();
		}
	}

	private static List<StackTraceElement> stackOfParallelTask() {
		return Mono.fromCallable(() -> Arrays.asList(new Throwable().getStackTrace()))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(5));
	}

	static void sleepInParallelStep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void spin(CountDownLatch release) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		long sum = 0;
		while (release.getCount() > 0 && System.nanoTime() < deadline) {
			sum += System.nanoTime() % 7;
		}
		if (sum == 42) {
			System.out.print("");
		}
	}

}
