package dev.contextstarter.watchdog;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import reactor.core.scheduler.Schedulers;

import dev.contextstarter.support.GlobalHook;

/**
 * Times every Reactor scheduler task that runs on a non-blocking thread, through
 * {@link Schedulers#onScheduleHook(String, Function)} (which also covers schedulers
 * created before it was installed). Tasks on blocking-allowed threads (bounded elastic
 * and others) run untouched.
 * <p>
 * Per task: one wrapping object (which Reactor's hook needs anyway), a thread-local read,
 * one read of the watchdog's coarse clock (the time of its last check: resolution one
 * check interval) and two release stores. The system clock is read only at the end of a
 * task the watchdog has already reported.
 */
public final class ReactorTaskTimer {

	/**
	 * The prefix of the hook keys; each timer adds a number so that contexts do not share
	 * one.
	 */
	private static final String HOOK_KEY = "dev.contextstarter.watchdog";

	private static final AtomicLong TIMERS = new AtomicLong();

	private final Watchdog watchdog;

	private final String hookKey;

	private final GlobalHook hook;

	private final CoarseClock clock;

	private final ThreadLocal<TaskSlot> slots = ThreadLocal.withInitial(this::slotOfCurrentThread);

	private volatile boolean installed;

	/**
	 * Create a timer reporting to a watchdog, under a hook key of its own (so that
	 * closing one application context does not remove the hook of another in the same
	 * JVM).
	 * @param watchdog the watchdog
	 */
	public ReactorTaskTimer(Watchdog watchdog) {
		this(watchdog, HOOK_KEY + "#" + TIMERS.incrementAndGet());
	}

	/**
	 * Create a timer under its own hook key, so that it can run beside the starter's.
	 * @param watchdog the watchdog
	 * @param hookKey the key of the schedule hook
	 */
	public ReactorTaskTimer(Watchdog watchdog, String hookKey) {
		this.watchdog = Objects.requireNonNull(watchdog, "watchdog must not be null");
		this.hookKey = Objects.requireNonNull(hookKey, "hookKey must not be null");
		this.hook = GlobalHook.onSchedule(hookKey, this::wrap);
		this.clock = watchdog.coarseClock();
	}

	/**
	 * Install the schedule hook.
	 */
	public void install() {
		this.hook.install();
		this.installed = true;
	}

	/**
	 * Remove the schedule hook. Tasks wrapped before keep running, but are no longer
	 * timed.
	 */
	public void uninstall() {
		this.installed = false;
		this.hook.uninstall();
	}

	/**
	 * Whether the hook is installed.
	 * @return {@code true} after {@link #install()} until {@link #uninstall()}
	 */
	public boolean isInstalled() {
		return this.installed;
	}

	/**
	 * The key of the schedule hook.
	 * @return the key
	 */
	public String hookKey() {
		return this.hookKey;
	}

	Runnable wrap(Runnable task) {
		return new TimedTask(task);
	}

	private TaskSlot slotOfCurrentThread() {
		Thread thread = Thread.currentThread();
		return Schedulers.isNonBlockingThread(thread) ? this.watchdog.watchThread(thread) : TaskSlot.UNWATCHED;
	}

	private final class TimedTask implements Runnable {

		private final Runnable task;

		TimedTask(Runnable task) {
			this.task = task;
		}

		@Override
		public void run() {
			TaskSlot slot = ReactorTaskTimer.this.slots.get();
			// Not watched, or run inline inside another timed task: the outer one is the
			// stall.
			if (slot == TaskSlot.UNWATCHED || slot.busy() || !ReactorTaskTimer.this.installed) {
				this.task.run();
				return;
			}
			long start = ReactorTaskTimer.this.clock.now();
			slot.begin(start);
			try {
				this.task.run();
			}
			finally {
				slot.end(start);
			}
		}

		@Override
		public String toString() {
			return this.task.toString();
		}

	}

}
