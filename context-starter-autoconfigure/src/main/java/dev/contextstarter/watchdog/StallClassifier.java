package dev.contextstarter.watchdog;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.jspecify.annotations.Nullable;

/**
 * Decides why a thread found stuck past its threshold is stuck (burning CPU or blocked),
 * or that it is not to blame: from its state, the top of its stack and its share of a CPU
 * since its task was first seen. Used by the watchdog thread only.
 */
final class StallClassifier {

	/**
	 * Below this share of a CPU, a runnable thread is starved by the machine, not
	 * stalling.
	 */
	private static final double STARVED_CPU_SHARE = 0.05;

	private final ThreadMXBean threadMx = ManagementFactory.getThreadMXBean();

	/**
	 * Remember when a task (or probe wait) was first seen and the thread's CPU time then,
	 * the base of its CPU share.
	 */
	void observe(WatchedThread watched, Thread thread, long start, long now) {
		if (watched.observedStart != start) {
			watched.observedStart = start;
			watched.observedAt = now;
			watched.observedCpuNanos = cpuNanos(thread);
		}
	}

	/**
	 * Why the thread is stuck, or {@code null} when it is not to blame: it is runnable
	 * but got almost no CPU (the machine is overloaded), or it is an event loop waiting
	 * in its selector (it is not running any task; its wake-up is late).
	 */
	@Nullable StallCause causeOf(WatchedThread watched, Thread thread, Thread.State state, StackTraceElement[] stack, long now) {
		if (state != Thread.State.RUNNABLE) {
			return StallCause.BLOCKED;
		}
		StackTraceElement top = (stack.length > 0) ? stack[0] : null;
		if (top != null && watched.source() == StallSource.EVENT_LOOP && isSelectorWait(top)) {
			return null;
		}
		double share = cpuShare(watched, thread, now);
		if (top == null || !top.isNativeMethod()) {
			return (share >= 0 && share < STARVED_CPU_SHARE) ? null : StallCause.CPU_BOUND;
		}
		if (share < 0 || share >= STARVED_CPU_SHARE) {
			return StallCause.CPU_BOUND;
		}
		// Native and hardly using CPU: blocking I/O, unless the native method never
		// blocks.
		return isIo(top) ? StallCause.BLOCKED : null;
	}

	/**
	 * The thread's share of one CPU since the task was first seen, or -1 when unknown.
	 */
	private double cpuShare(WatchedThread watched, Thread thread, long now) {
		long cpu = cpuNanos(thread);
		long elapsed = now - watched.observedAt;
		if (cpu < 0 || watched.observedCpuNanos < 0 || elapsed <= 0) {
			return -1;
		}
		return (double) (cpu - watched.observedCpuNanos) / elapsed;
	}

	private long cpuNanos(Thread thread) {
		try {
			return this.threadMx.isThreadCpuTimeSupported() ? this.threadMx.getThreadCpuTime(thread.getId()) : -1;
		}
		catch (UnsupportedOperationException ex) {
			return -1;
		}
	}

	private static boolean isSelectorWait(StackTraceElement frame) {
		String type = frame.getClassName();
		String method = frame.getMethodName();
		return frame.isNativeMethod() && ((type.startsWith("io.netty.channel.") && method.contains("Wait"))
				|| (type.startsWith("sun.nio.ch.") && (type.contains("EPoll") || type.contains("KQueue")
						|| type.contains("Poll") || type.contains("Select"))));
	}

	/**
	 * Whether a native method can block on I/O. Netty's native socket calls and
	 * non-blocking NIO channel calls cannot: a thread found in one without using CPU was
	 * not given any.
	 */
	static boolean isIo(StackTraceElement frame) {
		String type = frame.getClassName();
		if (type.startsWith("java.io.") || type.startsWith("java.net.") || type.startsWith("sun.net.")) {
			return true;
		}
		return type.startsWith("sun.nio.")
				&& (frame.getMethodName().startsWith("poll") || type.contains("FileDispatcher"));
	}

}
