package dev.contextstarter.watchdog;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * A reusable task queued on one event loop. It is queued again only after it ran, so a
 * stuck loop never piles probes up; while it waits past the threshold the loop is stuck.
 */
final class EventLoopProbe extends WatchedThread implements Runnable {

	private final Executor loop;

	private volatile @Nullable Thread thread;

	/** When the probe was queued; written by the watchdog thread before it queues it. */
	private volatile long queuedNanos;

	/** When it ran; 0 while it waits. */
	private volatile long ranNanos;

	private volatile boolean pending;

	private volatile boolean rejected;

	EventLoopProbe(Executor loop) {
		this.loop = loop;
	}

	Executor loop() {
		return this.loop;
	}

	@Override
	public void run() {
		if (this.thread == null) {
			this.thread = Thread.currentThread();
		}
		this.ranNanos = System.nanoTime();
		this.pending = false;
	}

	/**
	 * Queue the probe if it is not waiting already.
	 * @param now the watchdog's clock
	 * @return {@code false} if the loop refused it (it is shutting down)
	 */
	boolean queue(long now) {
		this.queuedNanos = now;
		this.ranNanos = 0L;
		this.pending = true;
		try {
			this.loop.execute(this);
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.pending = false;
			this.rejected = true;
			return false;
		}
	}

	boolean pending() {
		return this.pending;
	}

	boolean rejected() {
		return this.rejected;
	}

	long queuedNanos() {
		return this.queuedNanos;
	}

	long ranNanos() {
		return this.ranNanos;
	}

	@Override
	@Nullable Thread thread() {
		return this.thread;
	}

	@Override
	StallSource source() {
		return StallSource.EVENT_LOOP;
	}

}
