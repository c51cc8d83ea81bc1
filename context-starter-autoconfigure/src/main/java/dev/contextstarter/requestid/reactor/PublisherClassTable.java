package dev.contextstarter.requestid.reactor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What the assembly hook knows of each publisher class, looked up in one small array.
 * <p>
 * A {@link ClassValue} keeps its values in a map and a cache array of each class's own,
 * spread over the heap. The hook looks up two or three classes for every operator
 * assembled, about a hundred different ones on a WebFlux request, and those reads missed
 * the CPU's caches: they were about two fifths of the hook's cost (docs/benchmarks.md,
 * issue 16). This table keeps the classes of one class loader (Reactor's) in a single
 * array, probed by the class's identity hash. Any other class, which may belong to a
 * class loader that must stay free to be collected, is left to a {@code ClassValue}.
 * <p>
 * The classes and their values sit in two parallel arrays (no entry object per class, so
 * a probe reads no object but the class itself), and a slot is claimed with a
 * compare-and-set before its value is written, then published with its class: a reader
 * that finds a class finds its value too, and two classes never share a slot.
 *
 * @param <V> the value kept for each class
 */
final class PublisherClassTable<V> {

	/** Room for several times the publisher classes an application uses. */
	private static final int SLOTS = 1024;

	private static final int MASK = SLOTS - 1;

	/** Probes before giving up on a class; a longer run is left to the ClassValue. */
	private static final int MAX_PROBES = 8;

	private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Class[].class);

	private final @Nullable Class<?>[] classes = new Class<?>[SLOTS];

	// Read only where its class was found, after the value was written.
	private final Object[] values = new Object[SLOTS];

	private final ClassValue<V> computed;

	private final @Nullable ClassLoader loader;

	/**
	 * Create a table.
	 * @param compute works out a class's value, once per class
	 * @param loader the class loader whose classes the table keeps
	 */
	PublisherClassTable(Function<Class<?>, V> compute, @Nullable ClassLoader loader) {
		this.computed = new ClassValue<>() {

			@Override
			protected V computeValue(Class<?> type) {
				return compute.apply(type);
			}

		};
		this.loader = loader;
	}

	/**
	 * The value of a class.
	 * @param type the class
	 * @return its value
	 */
	@SuppressWarnings("unchecked")
	V get(Class<?> type) {
		int index = System.identityHashCode(type) & MASK;
		for (int probe = 0; probe < MAX_PROBES; probe++) {
			Object held = SLOT.getAcquire(this.classes, index);
			if (held == type) {
				return (V) this.values[index];
			}
			if (held == null) {
				break;
			}
			index = (index + 1) & MASK;
		}
		return miss(type);
	}

	/**
	 * Whether the table's arrays hold a class, rather than leaving it to the
	 * {@code ClassValue}.
	 * @param type the class
	 * @return whether they do
	 */
	boolean holds(Class<?> type) {
		for (int index = 0; index < SLOTS; index++) {
			if (SLOT.getAcquire(this.classes, index) == type) {
				return true;
			}
		}
		return false;
	}

	private V miss(Class<?> type) {
		V value = this.computed.get(type);
		if (type.getClassLoader() != this.loader) {
			return value;
		}
		int index = System.identityHashCode(type) & MASK;
		for (int probe = 0; probe < MAX_PROBES; probe++) {
			Object held = SLOT.getAcquire(this.classes, index);
			if (held == type) {
				// Another thread put it in meanwhile.
				return value;
			}
			if (held == null && SLOT.compareAndSet(this.classes, index, null, Claimed.class)) {
				this.values[index] = value;
				SLOT.setRelease(this.classes, index, type);
				return value;
			}
			index = (index + 1) & MASK;
		}
		return value;
	}

	/** Holds a slot while its value is written; looked up by nobody. */
	private static final class Claimed {

		private Claimed() {
		}

	}

}
