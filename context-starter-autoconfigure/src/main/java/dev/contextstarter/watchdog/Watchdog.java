package dev.contextstarter.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.support.ListenerCalls;

/**
 * Finds non-blocking threads stuck in one task. Watched threads publish the start time of
 * their current task in a {@link TaskSlot} (see {@link ReactorTaskTimer}); event loops
 * get an {@link EventLoopProbe}. One daemon thread checks both every check interval,
 * captures the stack of a thread stuck past its threshold while it is still stuck, and
 * reports it once when found and once when it ends, with the stack samples it took at
 * each check in between reduced to where the stall spent its time. A check that wakes up
 * much later than planned means the whole JVM was paused; that pause is reported as such
 * and subtracted from the stuck time of every task, so the task is not blamed for it.
 * With {@link #reportBlockingCalls()}, blocking calls that BlockHound catches on
 * non-blocking threads are reported too. Why a thread is stuck is
 * {@link StallClassifier}'s business; what goes to the log is {@link StallLog}'s, the
 * default listener.
 */
public final class Watchdog implements AutoCloseable {

	/** Name of the watchdog's thread. */
	public static final String THREAD_NAME = "context-watchdog";

	private static final Logger logger = LoggerFactory.getLogger(Watchdog.class);

	private final WatchdogSettings settings;

	private final LongSupplier nanoClock;

	private final Clock wallClock;

	private final CoarseClock coarseClock;

	private final List<TaskSlot> slots = new CopyOnWriteArrayList<>();

	private final List<EventLoopProbe> probes = new CopyOnWriteArrayList<>();

	private final List<WatchdogListener> listeners = new CopyOnWriteArrayList<>();

	private final Map<Long, ActiveStall> inProgress = new ConcurrentHashMap<>();

	private final RecentRing<StallReport> recent;

	private final AtomicLong ids = new AtomicLong();

	private final AtomicLong stalls = new AtomicLong();

	private final AtomicLong cpuBound = new AtomicLong();

	private final AtomicLong blocked = new AtomicLong();

	private final AtomicLong jvmPauses = new AtomicLong();

	private final AtomicLong starved = new AtomicLong();

	private final Object lifecycleMonitor = new Object();

	// Fields below are used by the checking thread only (or by a test calling check
	// directly).

	private final StallLog log;

	private final StallClassifier classifier = new StallClassifier();

	private final JvmPauses pauses = new JvmPauses();

	private final BlockingCalls blockingCalls;

	private long lastCheck;

	private volatile long startedNanos;

	private volatile boolean running;

	private @Nullable Thread checker;

	/**
	 * Create a watchdog on the system clocks.
	 * @param settings the settings
	 */
	public Watchdog(WatchdogSettings settings) {
		this(settings, System::nanoTime, Clock.systemUTC());
	}

	Watchdog(WatchdogSettings settings, LongSupplier nanoClock, Clock wallClock) {
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.nanoClock = nanoClock;
		this.wallClock = wallClock;
		this.startedNanos = nanoClock.getAsLong();
		this.coarseClock = new CoarseClock(this.startedNanos);
		this.log = new StallLog(settings, this.coarseClock::now);
		this.recent = new RecentRing<>(settings.recentStalls());
		this.blockingCalls = new BlockingCalls(wallClock, settings.stackDepth(), settings.recentStalls());
	}

	/**
	 * The settings in use.
	 * @return the settings
	 */
	public WatchdogSettings settings() {
		return this.settings;
	}

	/**
	 * Start the checking thread. The start-up grace period counts from here.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.startedNanos = this.nanoClock.getAsLong();
			this.coarseClock.set(this.startedNanos);
			this.lastCheck = 0;
			Thread thread = new Thread(this::checkUntilStopped, THREAD_NAME);
			thread.setDaemon(true);
			this.checker = thread;
			thread.start();
		}
	}

	/**
	 * Stop the checking thread and wait for it to end.
	 */
	public void stop() {
		Thread thread;
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			thread = this.checker;
			this.checker = null;
		}
		BlockingCallDispatch.unregister(this);
		if (thread != null) {
			LockSupport.unpark(thread);
			try {
				thread.join(Math.max(1000, 4 * this.settings.checkInterval().toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		// What is still queued or summed up reaches the log and the listeners before the
		// end.
		this.coarseClock.set(this.nanoClock.getAsLong());
		drainBlockingCalls();
		this.log.flush();
	}

	/**
	 * Report blocking calls on non-blocking threads, caught by BlockHound, until
	 * {@link #stop()}. Installs BlockHound the first time (once per JVM: it cannot be
	 * removed); it needs {@code io.projectreactor.tools:blockhound} on the class path
	 * and, on JDK 13 and later, the JVM flag
	 * {@code -XX:+AllowRedefinitionToAddDeleteMethods}.
	 * @throws IllegalStateException if BlockHound is absent or cannot be installed
	 */
	public void reportBlockingCalls() {
		BlockingCallDispatch.installAndRegister(this);
	}

	/**
	 * Stop reporting blocking calls (BlockHound stays installed: it cannot be removed).
	 */
	public void stopReportingBlockingCalls() {
		BlockingCallDispatch.unregister(this);
	}

	/**
	 * The most recent blocking calls BlockHound caught, newest first.
	 * @return the calls, at most {@link WatchdogSettings#recentStalls()}
	 */
	public List<BlockingCall> recentBlockingCalls() {
		return this.blockingCalls.recent();
	}

	/**
	 * Whether the checking thread runs.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop and forget every watched thread and probe.
	 */
	@Override
	public void close() {
		stop();
		this.slots.clear();
		this.probes.clear();
		this.inProgress.clear();
		this.log.forgetInProgress();
	}

	/**
	 * Add a listener for stalls, recoveries and event loop lag.
	 * @param listener the listener
	 */
	public void addListener(WatchdogListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Remove a listener.
	 * @param listener the listener
	 */
	public void removeListener(WatchdogListener listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Probe a single-threaded executor, such as a Netty event loop, every check interval.
	 * A probe waiting past the event loop threshold means the executor's thread is stuck.
	 * @param loop the executor
	 */
	public void probe(Executor loop) {
		for (EventLoopProbe probe : this.probes) {
			if (probe.loop() == loop) {
				return;
			}
		}
		this.probes.add(new EventLoopProbe(loop));
	}

	/**
	 * Stop probing an executor.
	 * @param loop the executor
	 */
	public void stopProbing(Executor loop) {
		this.probes.removeIf((probe) -> probe.loop() == loop);
	}

	/**
	 * Totals since start.
	 * @return the totals
	 */
	public WatchdogTotals totals() {
		return new WatchdogTotals(this.stalls.get(), this.cpuBound.get(), this.blocked.get(), this.jvmPauses.get(),
				this.inProgress.size(), this.log.fullReports(), this.log.summarized(), this.starved.get(),
				this.slots.size(), this.probes.size(), this.blockingCalls.total(), this.log.blockingCallsInFull(),
				this.log.blockingCallsSummarized());
	}

	/**
	 * Stalls going on now, with their duration so far.
	 * @return the stalls, oldest first
	 */
	public List<StallReport> stallsInProgress() {
		long now = this.nanoClock.getAsLong();
		List<StallReport> reports = new ArrayList<>();
		for (ActiveStall stall : this.inProgress.values()) {
			reports.add(stall.report.stuckFor(Duration.ofNanos(now - stall.startNanos)));
		}
		reports.sort((a, b) -> Long.compare(a.id(), b.id()));
		return reports;
	}

	/**
	 * The most recent ended stalls and JVM pauses, newest first.
	 * @return the stalls, at most {@link WatchdogSettings#recentStalls()}
	 */
	public List<StallReport> recentStalls() {
		return this.recent.newestFirst();
	}

	/**
	 * The number of stalls going on now.
	 * @return the count
	 */
	public int stalledNow() {
		return this.inProgress.size();
	}

	CoarseClock coarseClock() {
		return this.coarseClock;
	}

	BlockingCalls blockingCalls() {
		return this.blockingCalls;
	}

	TaskSlot watchThread(Thread thread) {
		TaskSlot slot = new TaskSlot(thread);
		this.slots.add(slot);
		return slot;
	}

	private void checkUntilStopped() {
		long interval = this.settings.checkInterval().toNanos();
		while (this.running) {
			LockSupport.parkNanos(this, interval);
			if (!this.running) {
				return;
			}
			try {
				check(this.nanoClock.getAsLong());
			}
			catch (RuntimeException ex) {
				logger.warn("Watchdog check failed", ex);
			}
		}
	}

	/**
	 * One check of every watched thread and probe.
	 * @param now the current monotonic time
	 */
	void check(long now) {
		this.coarseClock.set(now);
		boolean inGrace = now - this.startedNanos < this.settings.startupGrace().toNanos();
		if (this.lastCheck != 0) {
			long interval = this.settings.checkInterval().toNanos();
			long late = now - this.lastCheck - interval;
			// Time this thread did not run is not counted against tasks: tasks take their
			// start from the last check, so a late check would otherwise make fresh tasks
			// look old.
			if (late > interval / 4) {
				this.pauses.record(now - late, now);
			}
			if (late >= this.settings.jvmPauseThreshold().toNanos() && !inGrace) {
				reportJvmPause(late);
			}
		}
		this.lastCheck = now;
		for (TaskSlot slot : this.slots) {
			checkTask(slot, now, inGrace);
		}
		for (EventLoopProbe probe : this.probes) {
			checkProbe(probe, now, inGrace);
		}
		drainBlockingCalls();
		this.log.tick();
	}

	private void drainBlockingCalls() {
		for (BlockingCall call : this.blockingCalls.drain()) {
			notifyListeners((listener) -> listener.onBlockingCall(call));
		}
	}

	private void checkTask(TaskSlot slot, long now, boolean inGrace) {
		Thread thread = slot.thread();
		if (thread == null) {
			return;
		}
		long start = slot.start();
		ActiveStall active = slot.activeStall;
		if (active != null) {
			if (start == active.startNanos) {
				active.sample(thread);
				return;
			}
			long end = slot.endOf(active.startNanos);
			finish(active, (end != 0) ? end : now);
		}
		if (start == 0) {
			slot.observedStart = 0;
			if (!thread.isAlive()) {
				this.slots.remove(slot);
			}
			return;
		}
		this.classifier.observe(slot, thread, start, now);
		long stuck = now - start - this.pauses.pausedBetween(start, now);
		if (stuck > this.settings.threshold().toNanos() && !inGrace && !stalledAlready(thread)) {
			begin(slot, thread, start, now);
		}
	}

	private void checkProbe(EventLoopProbe probe, long now, boolean inGrace) {
		ActiveStall active = probe.activeStall;
		if (probe.pending()) {
			Thread thread = probe.thread();
			if (active != null && thread != null) {
				active.sample(thread);
			}
			if (active != null || thread == null) {
				return;
			}
			long queued = probe.queuedNanos();
			this.classifier.observe(probe, thread, queued, now);
			long stuck = now - queued - this.pauses.pausedBetween(queued, now);
			if (stuck > this.settings.eventLoopThreshold().toNanos() && !inGrace && !stalledAlready(thread)) {
				begin(probe, thread, queued, now);
			}
			return;
		}
		long ran = probe.ranNanos();
		Thread thread = probe.thread();
		if (ran != 0 && thread != null) {
			notifyLag(thread.getName(), Math.max(0, ran - probe.queuedNanos()));
		}
		if (active != null) {
			finish(active, (ran != 0) ? ran : now);
		}
		probe.observedStart = 0;
		if (probe.rejected() || !probe.queue(now)) {
			this.probes.remove(probe);
		}
	}

	void notifyLag(String loopThreadName, long lagNanos) {
		notifyListeners((listener) -> listener.onEventLoopLag(loopThreadName, lagNanos));
	}

	private boolean stalledAlready(Thread thread) {
		for (ActiveStall stall : this.inProgress.values()) {
			if (stall.watched.thread() == thread) {
				return true;
			}
		}
		return false;
	}

	private void begin(WatchedThread watched, Thread thread, long start, long now) {
		Thread.State state = thread.getState();
		StackTraceElement[] stack = thread.getStackTrace();
		RequestIdContext context = RequestIdContextHolder.currentOf(thread);
		if (watched instanceof TaskSlot slot && slot.start() != start) {
			// The task ended while its stack and context were read: they may be the next
			// task's, another request's. Like a task that ends between two checks, it is
			// not reported.
			return;
		}
		StallCause cause = this.classifier.causeOf(watched, thread, state, stack, now);
		if (cause == null) {
			// Runnable but hardly run, or an event loop idle in its selector: the machine
			// did not give the thread CPU. Not the task's fault; looked at again at the
			// next check.
			if (watched.notBlamedStart != start) {
				watched.notBlamedStart = start;
				this.starved.incrementAndGet();
			}
			return;
		}
		Duration soFar = Duration.ofNanos(now - start);
		Instant detectedAt = this.wallClock.instant();
		Duration threshold = (watched.source() == StallSource.EVENT_LOOP) ? this.settings.eventLoopThreshold()
				: this.settings.threshold();
		StallReport report = new StallReport(this.ids.incrementAndGet(), watched.source(), thread.getName(),
				thread.getId(), poolOf(thread.getName()), cause, state, detectedAt.minus(soFar), detectedAt, threshold,
				soFar, null, context, trim(stack), 0, List.of());
		ActiveStall active = new ActiveStall(watched, start, report, new StackSamples(this.settings.maxSamples()));
		active.samples.add(stack, state);
		watched.activeStall = active;
		this.inProgress.put(report.id(), active);
		if (watched instanceof TaskSlot slot) {
			slot.flag(start);
		}
		this.stalls.incrementAndGet();
		((cause == StallCause.CPU_BOUND) ? this.cpuBound : this.blocked).incrementAndGet();
		notifyListeners((listener) -> listener.onStall(report));
	}

	private void finish(ActiveStall active, long endNanos) {
		active.watched.activeStall = null;
		this.inProgress.remove(active.report.id());
		StallReport report = active.report.endedAfter(Duration.ofNanos(Math.max(0, endNanos - active.startNanos)),
				active.samples.count(), active.samples.hottest());
		this.recent.add(report);
		notifyListeners((listener) -> listener.onRecovery(report));
	}

	private void reportJvmPause(long pauseNanos) {
		this.jvmPauses.incrementAndGet();
		Duration pause = Duration.ofNanos(pauseNanos);
		Instant detectedAt = this.wallClock.instant();
		StallReport report = new StallReport(this.ids.incrementAndGet(), StallSource.JVM, "jvm", -1, "jvm",
				StallCause.JVM_PAUSE, null, detectedAt.minus(pause), detectedAt, this.settings.jvmPauseThreshold(),
				pause, null, null, List.of(), 0, List.of());
		StallReport ended = report.endedAfter(pause, 0, List.of());
		this.recent.add(ended);
		notifyListeners((listener) -> listener.onStall(report));
		notifyListeners((listener) -> listener.onRecovery(ended));
	}

	private List<StackTraceElement> trim(StackTraceElement[] stack) {
		return Arrays.asList(Arrays.copyOf(stack, Math.min(stack.length, this.settings.stackDepth())));
	}

	/**
	 * Tell the log, then every listener; one that fails is logged and does not stop the
	 * others.
	 */
	private void notifyListeners(Consumer<WatchdogListener> call) {
		ListenerCalls.callIsolated(this.log, call, logger);
		ListenerCalls.callEach(this.listeners, call, logger);
	}

	/**
	 * The pool a thread belongs to: its name without a trailing number.
	 * @param threadName the thread name
	 * @return the pool name
	 */
	static String poolOf(String threadName) {
		int end = threadName.length();
		while (end > 0 && Character.isDigit(threadName.charAt(end - 1))) {
			end--;
		}
		if (end == threadName.length() || end == 0) {
			return threadName;
		}
		char separator = threadName.charAt(end - 1);
		return (separator == '-' || separator == '#' || separator == '_') ? threadName.substring(0, end - 1)
				: threadName.substring(0, end);
	}

}
