package dev.contextstarter.watchdog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * The start time of the task a non-blocking thread is running. Its own thread writes it
 * with release stores (no fence, no allocation); the watchdog thread reads it with
 * acquire loads.
 */
final class TaskSlot extends WatchedThread {

	/** The slot of threads that are not watched (blocking-allowed threads). */
	static final TaskSlot UNWATCHED = new TaskSlot(null);

	private static final VarHandle START;

	private static final VarHandle FLAGGED_START;

	private static final VarHandle ENDED_START;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			START = lookup.findVarHandle(TaskSlot.class, "start", long.class);
			FLAGGED_START = lookup.findVarHandle(TaskSlot.class, "flaggedStart", long.class);
			ENDED_START = lookup.findVarHandle(TaskSlot.class, "endedStart", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final @Nullable Thread thread;

	/** Start nanos of the running task, 0 when idle. Written by the owner thread only. */
	private long start;

	/**
	 * Start of the task the watchdog reported as stuck. Written by the watchdog thread.
	 */
	private long flaggedStart;

	/** Start of the flagged task that has ended, published after {@link #endNanos}. */
	private long endedStart;

	/** When the flagged task ended. */
	private long endNanos;

	TaskSlot(@Nullable Thread thread) {
		this.thread = thread;
	}

	/**
	 * Whether the owner thread is inside a task already (a task run inline by another).
	 * Plain read: only the owner thread writes it.
	 */
	boolean busy() {
		return this.start != 0;
	}

	void begin(long startNanos) {
		START.setRelease(this, startNanos);
	}

	void end(long startNanos) {
		START.setRelease(this, 0L);
		// Only a task the watchdog already reported pays for a clock read here.
		if ((long) FLAGGED_START.getAcquire(this) == startNanos) {
			this.endNanos = System.nanoTime();
			ENDED_START.setRelease(this, startNanos);
		}
	}

	long start() {
		return (long) START.getAcquire(this);
	}

	void flag(long startNanos) {
		FLAGGED_START.setVolatile(this, startNanos);
	}

	/**
	 * When the flagged task that started at {@code startNanos} ended.
	 * @return the end nanos, or {@code 0} when the task has not recorded its end
	 */
	long endOf(long startNanos) {
		return ((long) ENDED_START.getAcquire(this) == startNanos) ? this.endNanos : 0L;
	}

	@Override
	@Nullable Thread thread() {
		return this.thread;
	}

	@Override
	StallSource source() {
		return StallSource.SCHEDULER_TASK;
	}

}
