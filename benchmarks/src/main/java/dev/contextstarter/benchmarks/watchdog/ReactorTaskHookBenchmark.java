package dev.contextstarter.benchmarks.watchdog;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogSettings;

/**
 * Cost per Reactor scheduler task of the watchdog's schedule hook: what Reactor does for
 * every task it schedules ({@link Schedulers#onSchedule(Runnable)}, then running the
 * result) with no hook, and with the watchdog's hook on a thread that counts as
 * non-blocking, with the watchdog thread running. The difference is the per-task cost
 * (target: at most 50 ns).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReactorTaskHookBenchmark {

	/**
	 * {@code none}: no hook; {@code watchdog}: the watchdog's hook installed and its
	 * thread running.
	 */
	@Param({ "none", "watchdog" })
	public String hook;

	private final Runnable task = this::work;

	private long counter;

	private Runnable queued;

	private Watchdog watchdog;

	private ReactorTaskTimer timer;

	@Setup(Level.Trial)
	public void setUp() {
		Thread benchmarkThread = Thread.currentThread();
		// The benchmark thread stands in for a parallel worker: only such threads are
		// timed.
		Schedulers.registerNonBlockingThreadPredicate((thread) -> thread == benchmarkThread);
		if (this.hook.equals("watchdog")) {
			this.watchdog = new Watchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ZERO));
			this.timer = new ReactorTaskTimer(this.watchdog);
			this.timer.install();
			this.watchdog.start();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.timer != null) {
			this.timer.uninstall();
			this.watchdog.close();
		}
		Schedulers.resetNonBlockingThreadPredicate();
	}

	@Benchmark
	public long scheduleAndRunTask() {
		Schedulers.onSchedule(this.task).run();
		return this.counter;
	}

	/**
	 * As Reactor does it: the scheduled task escapes into the worker's queue before it
	 * runs, so the hook's wrapper is really allocated (24 bytes).
	 */
	@Benchmark
	public long scheduleQueueAndRunTask() {
		this.queued = Schedulers.onSchedule(this.task);
		this.queued.run();
		return this.counter;
	}

	private void work() {
		this.counter++;
	}

}
