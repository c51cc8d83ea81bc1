package dev.contextstarter.watchdog;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * The blocking calls BlockHound caught for one watchdog. The calling thread only queues
 * the call (lock-free: it must not block, and it is a non-blocking thread); the watchdog
 * thread takes them at its next check, then logs, counts and passes them on.
 */
final class BlockingCalls {

	/** Calls queued between two checks at most; more are counted, not kept. */
	static final int MAX_PENDING = 1024;

	private final Clock wallClock;

	private final int stackDepth;

	private final Queue<BlockingCall> pending = new ConcurrentLinkedQueue<>();

	private final AtomicInteger pendingCount = new AtomicInteger();

	private final AtomicLong ids = new AtomicLong();

	private final AtomicLong total = new AtomicLong();

	private final AtomicLong notKept = new AtomicLong();

	private final RecentRing<BlockingCall> recent;

	BlockingCalls(Clock wallClock, int stackDepth, int recentCapacity) {
		this.wallClock = wallClock;
		this.stackDepth = stackDepth;
		this.recent = new RecentRing<>(recentCapacity);
	}

	/**
	 * Queue a call; runs on the calling thread.
	 * @param thread the calling thread
	 * @param className the blocking method's class
	 * @param methodName the blocking method
	 * @param stack the calling thread's stack, with the reporting frames above the
	 * blocking method
	 * @param context the calling thread's request context
	 */
	void offer(Thread thread, String className, String methodName, StackTraceElement[] stack,
			@Nullable RequestIdContext context) {
		this.total.incrementAndGet();
		if (this.pendingCount.incrementAndGet() > MAX_PENDING) {
			this.pendingCount.decrementAndGet();
			this.notKept.incrementAndGet();
			return;
		}
		this.pending.add(new BlockingCall(this.ids.incrementAndGet(), thread.getName(), thread.getId(),
				Watchdog.poolOf(thread.getName()), className + "." + methodName, this.wallClock.instant(), context,
				fromBlockingMethod(stack, className, methodName)));
	}

	/**
	 * Take the queued calls; runs on the watchdog thread.
	 * @return the calls, oldest first
	 */
	List<BlockingCall> drain() {
		List<BlockingCall> calls = new ArrayList<>();
		BlockingCall call;
		while ((call = this.pending.poll()) != null) {
			this.pendingCount.decrementAndGet();
			calls.add(call);
			this.recent.add(call);
		}
		return calls;
	}

	/** Calls caught so far, kept or not. */
	long total() {
		return this.total.get();
	}

	/**
	 * Calls counted but not kept, because more than {@value #MAX_PENDING} came between
	 * two checks.
	 */
	long notKept() {
		return this.notKept.get();
	}

	List<BlockingCall> recent() {
		return this.recent.newestFirst();
	}

	private List<StackTraceElement> fromBlockingMethod(StackTraceElement[] stack, String className, String methodName) {
		int from = 0;
		for (int i = 0; i < stack.length; i++) {
			if (stack[i].getClassName().equals(className) && stack[i].getMethodName().equals(methodName)) {
				from = i;
				break;
			}
		}
		return Arrays.asList(Arrays.copyOfRange(stack, from, Math.min(stack.length, from + this.stackDepth)));
	}

}
