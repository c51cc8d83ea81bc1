package dev.contextstarter.it.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.MisfirePolicy;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.ScheduledRunListener;
import dev.contextstarter.test.ManualScheduledExecutor;
import dev.contextstarter.test.ManualTimeSource;

import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/**
 * A clock-jump-aware scheduler on a manual time source and a manual executor, with
 * recording tasks.
 */
final class SchedulerHarness {

	final ManualTimeSource time;

	final ManualScheduledExecutor executor;

	final ClockJumpAwareTaskScheduler scheduler;

	final List<Misfire> misfires = new CopyOnWriteArrayList<>();

	SchedulerHarness(Instant start) {
		this.time = new ManualTimeSource(start);
		this.executor = new ManualScheduledExecutor(this.time);
		ConcurrentTaskScheduler elapsed = new ConcurrentTaskScheduler(this.executor);
		elapsed.setClock(this.time.asClock());
		this.scheduler = new ClockJumpAwareTaskScheduler(elapsed, this.executor, this.time, Duration.ofSeconds(1),
				Duration.ofSeconds(1));
		this.scheduler.setListeners(List.of(new ScheduledRunListener() {
			@Override
			public void onMisfire(String task, MisfirePolicy policy, long missed) {
				SchedulerHarness.this.misfires.add(new Misfire(task, policy, missed));
			}
		}));
	}

	void advance(Duration duration) {
		this.executor.advance(duration);
	}

	/** Step the wall clock, then let one check interval pass so that every task looks. */
	void jumpAndTick(Duration offset) {
		this.time.jump(offset);
		this.executor.advance(Duration.ofSeconds(1));
	}

	record Misfire(String task, MisfirePolicy policy, long missed) {
	}

	/** One run as the task saw it. */
	record Run(ScheduledRun run, long startMono, long endMono) {
	}

	/**
	 * A task that records {@link ScheduledRun#current()}, fails on overlapping runs, and
	 * can do something while it runs (for example let time pass).
	 */
	static final class RecordingTask implements Runnable {

		final String name;

		final List<Run> runs = new ArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean();

		private final ManualTimeSource time;

		volatile Consumer<ScheduledRun> body = (run) -> {
		};

		/**
		 * Set when a run started while another was still running (an exception would be
		 * swallowed).
		 */
		volatile boolean overlapped;

		RecordingTask(String name, ManualTimeSource time) {
			this.name = name;
			this.time = time;
		}

		@Override
		public void run() {
			if (!this.running.compareAndSet(false, true)) {
				this.overlapped = true;
				throw new AssertionError("Overlapping runs of " + this.name);
			}
			try {
				ScheduledRun run = ScheduledRun.current();
				if (run == null) {
					throw new AssertionError("No ScheduledRun for " + this.name);
				}
				long start = this.time.monotonicNanos();
				this.body.accept(run);
				this.runs.add(new Run(run, start, this.time.monotonicNanos()));
			}
			finally {
				this.running.set(false);
			}
		}

		List<ScheduledRun> scheduledRuns() {
			return this.runs.stream().map(Run::run).toList();
		}

		List<Instant> nominals() {
			return this.runs.stream().map((run) -> run.run().nominalTime()).toList();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

}
