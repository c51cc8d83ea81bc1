package dev.contextstarter.requestid;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Holds the {@link RequestIdContext} of the current thread and keeps the MDC in step with
 * it.
 * <p>
 * Open a context with {@link #open(RequestIdContext)} in a try-with-resources block;
 * closing the scope restores whatever the thread held before (it never just clears).
 * Another thread's current context can be read with {@link #currentOf(Thread)}, which is
 * what the watchdog uses to say which request a stuck thread was serving.
 */
public final class RequestIdContextHolder {

	private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(RequestIdContextHolder::registerSlot);

	/**
	 * Every thread's slot, so that other threads can read it; weak so dead threads drop
	 * out.
	 */
	private static final Map<Thread, Slot> SLOTS = Collections.synchronizedMap(new WeakHashMap<>());

	private static volatile MdcMapping mdcMapping = MdcMapping.defaults();

	private RequestIdContextHolder() {
	}

	/**
	 * Return the current thread's context.
	 * @return the context, or {@code null} outside any request
	 */
	public static @Nullable RequestIdContext current() {
		return SLOT.get().value;
	}

	/**
	 * Return the current thread's request ID.
	 * @return the request ID, or {@code null} outside any request
	 */
	public static @Nullable String currentRequestId() {
		RequestIdContext context = current();
		return (context != null) ? context.requestId() : null;
	}

	/**
	 * Return the context another thread holds right now.
	 * @param thread the thread
	 * @return its context, or {@code null} when it holds none
	 */
	public static @Nullable RequestIdContext currentOf(Thread thread) {
		Slot slot = SLOTS.get(thread);
		return (slot != null) ? slot.read() : null;
	}

	/**
	 * Return every live thread that holds a context right now.
	 * @return the contexts by thread
	 */
	public static Map<Thread, RequestIdContext> threadsHoldingContext() {
		Map<Thread, RequestIdContext> holding = new LinkedHashMap<>();
		synchronized (SLOTS) {
			SLOTS.forEach((thread, slot) -> {
				RequestIdContext context = slot.read();
				if (context != null && thread.isAlive()) {
					holding.put(thread, context);
				}
			});
		}
		return holding;
	}

	/**
	 * Make {@code context} current on this thread until the returned scope is closed.
	 * @param context the context, or {@code null} to run without one
	 * @return a scope whose {@link Scope#close()} restores the previous context
	 */
	public static Scope open(@Nullable RequestIdContext context) {
		Slot slot = SLOT.get();
		RequestIdContext previous = slot.value;
		slot.switchTo(previous, context);
		return new Scope(slot, previous, context);
	}

	/**
	 * Replace this thread's context without a scope. For propagation libraries that
	 * restore the previous value themselves; application code should use
	 * {@link #open(RequestIdContext)}.
	 * @param context the new context, or {@code null} for none
	 */
	public static void set(@Nullable RequestIdContext context) {
		Slot slot = SLOT.get();
		slot.switchTo(slot.value, context);
	}

	/**
	 * Make {@code context} current and return the context it replaces, without allocating
	 * a scope: for propagation code on hot paths, which must hand the returned value back
	 * to {@link #set(RequestIdContext)} in a {@code finally} block. Application code
	 * should use {@link #open(RequestIdContext)}.
	 * @param context the new context, or {@code null} for none
	 * @return the context the thread held before
	 */
	public static @Nullable RequestIdContext swap(@Nullable RequestIdContext context) {
		Slot slot = SLOT.get();
		RequestIdContext previous = slot.value;
		slot.switchTo(previous, context);
		return previous;
	}

	/**
	 * The MDC mapping in use.
	 * @return the mapping
	 */
	public static MdcMapping mdcMapping() {
		return mdcMapping;
	}

	/**
	 * Set the MDC mapping. Called by the auto-configuration at start-up and reset when
	 * its application context closes.
	 * @param mapping the mapping
	 */
	public static void setMdcMapping(MdcMapping mapping) {
		mdcMapping = Objects.requireNonNull(mapping, "mapping must not be null");
	}

	/**
	 * Restore the default MDC mapping.
	 */
	public static void resetMdcMapping() {
		mdcMapping = MdcMapping.defaults();
	}

	private static Slot registerSlot() {
		Slot slot = new Slot();
		SLOTS.put(Thread.currentThread(), slot);
		return slot;
	}

	/**
	 * A thread's current context. Only its own thread writes it; the write is a release
	 * store so that other threads read a fully built context, without the cost of a
	 * volatile write.
	 */
	static final class Slot {

		private static final VarHandle VALUE;

		static {
			try {
				VALUE = MethodHandles.lookup().findVarHandle(Slot.class, "value", RequestIdContext.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		@Nullable RequestIdContext value;

		void switchTo(@Nullable RequestIdContext previous, @Nullable RequestIdContext next) {
			if (previous == next) {
				return;
			}
			VALUE.setRelease(this, next);
			mdcMapping.update(previous, next);
		}

		@Nullable RequestIdContext read() {
			return (RequestIdContext) VALUE.getAcquire(this);
		}

	}

	/**
	 * An open context on one thread. Closing restores the context the thread held before.
	 */
	public static final class Scope implements AutoCloseable {

		private final Slot slot;

		private final @Nullable RequestIdContext previous;

		private final @Nullable RequestIdContext opened;

		private boolean closed;

		Scope(Slot slot, @Nullable RequestIdContext previous, @Nullable RequestIdContext opened) {
			this.slot = slot;
			this.previous = previous;
			this.opened = opened;
		}

		/**
		 * The context this scope opened.
		 * @return the context, or {@code null} if the scope runs without one
		 */
		public @Nullable RequestIdContext context() {
			return this.opened;
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.slot.switchTo(this.slot.value, this.previous);
		}

	}

}
