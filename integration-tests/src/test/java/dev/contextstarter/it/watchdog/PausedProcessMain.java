package dev.contextstarter.it.watchdog;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.StallReport;
import dev.contextstarter.watchdog.StallSource;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogListener;
import dev.contextstarter.watchdog.WatchdogSettings;

/**
 * The process that {@link WatchdogJvmPauseTests} suspends: a watchdog with a 200 ms
 * threshold and a parallel worker running tasks of 100 ms back to back, so that the
 * suspension lands in one of them. That task notices the gap and goes on until the
 * watchdog has reported the pause and checked a few more times: it looks stuck for over a
 * second, but ran for much less than the threshold. Prints {@code READY}, then one
 * {@code STALL <source> <cause> <millis>} line per report; on {@code exit} from standard
 * input it lets three more tasks run and prints the totals.
 */
public final class PausedProcessMain {

	private static volatile long pauseReportedAt;

	private PausedProcessMain() {
	}

	public static void main(String[] args) throws Exception {
		Watchdog watchdog = new Watchdog(WatchdogSettings.defaults()
			.withThreshold(Duration.ofMillis(200))
			.withCheckInterval(Duration.ofMillis(20))
			.withStartupGrace(Duration.ZERO));
		watchdog.addListener(new WatchdogListener() {

			@Override
			public void onStall(StallReport report) {
				if (report.source() == StallSource.JVM) {
					pauseReportedAt = System.nanoTime();
				}
				System.out.println(
						"STALL " + report.source() + " " + report.cause() + " " + report.durationSoFar().toMillis());
				System.out.flush();
			}

		});
		ReactorTaskTimer timer = new ReactorTaskTimer(watchdog);
		timer.install();
		watchdog.start();
		AtomicReference<CountDownLatch> runs = new AtomicReference<>(new CountDownLatch(3));
		Disposable work = Schedulers.parallel().schedulePeriodically(() -> {
			runAbout100Millis();
			runs.get().countDown();
		}, 0, 101, TimeUnit.MILLISECONDS);
		runs.get().await();
		System.out.println("READY");
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null && !line.equals("exit")) {
			// wait for the test to say so
		}
		// Three more tasks after the suspension: time enough for any stall to be seen.
		CountDownLatch more = new CountDownLatch(3);
		runs.set(more);
		more.await();
		System.out
			.println("TOTALS stalls=" + watchdog.totals().stalls() + " jvmPauses=" + watchdog.totals().jvmPauses());
		System.out.flush();
		work.dispose();
		timer.uninstall();
		watchdog.close();
	}

	private static void runAbout100Millis() {
		long start = System.nanoTime();
		long last = start;
		boolean suspended = false;
		while (true) {
			sleep(5);
			long now = System.nanoTime();
			if (now - last > TimeUnit.MILLISECONDS.toNanos(500)) {
				suspended = true;
			}
			last = now;
			if (!suspended && now - start >= TimeUnit.MILLISECONDS.toNanos(100)) {
				return;
			}
			long reported = pauseReportedAt;
			if (suspended && ((reported != 0 && now - reported >= TimeUnit.MILLISECONDS.toNanos(60))
					|| now - start > TimeUnit.SECONDS.toNanos(30))) {
				return;
			}
		}
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
