package dev.contextstarter.requestid.reactor;

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
 * Entries are immutable and written without locks: a racing insert may overwrite another,
 * which only means that class is looked up through the {@code ClassValue} again.
 *
 * @param <V> the value kept for each class
 */
final class PublisherClassTable<V> {

	/** Room for several times the publisher classes an application uses. */
	private static final int SLOTS = 1024;

	private static final int MASK = SLOTS - 1;

	/** Probes before giving up on a class; a longer run is left to the ClassValue. */
	private static final int MAX_PROBES = 8;

	private final @Nullable Entry<V>[] entries;

	private final ClassValue<V> values;

	private final @Nullable ClassLoader loader;

	/**
	 * Create a table.
	 * @param compute works out a class's value, once per class
	 * @param loader the class loader whose classes the table keeps
	 */
	@SuppressWarnings("unchecked")
	PublisherClassTable(Function<Class<?>, V> compute, @Nullable ClassLoader loader) {
		this.entries = new Entry[SLOTS];
		this.values = new ClassValue<>() {

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
	V get(Class<?> type) {
		@Nullable Entry<V>[] entries = this.entries;
		int index = System.identityHashCode(type) & MASK;
		for (int probe = 0; probe < MAX_PROBES; probe++) {
			Entry<V> entry = entries[index];
			if (entry == null) {
				break;
			}
			if (entry.type == type) {
				return entry.value;
			}
			index = (index + 1) & MASK;
		}
		return miss(type);
	}

	private V miss(Class<?> type) {
		V value = this.values.get(type);
		if (type.getClassLoader() == this.loader) {
			@Nullable Entry<V>[] entries = this.entries;
			int index = System.identityHashCode(type) & MASK;
			for (int probe = 0; probe < MAX_PROBES; probe++) {
				if (entries[index] == null) {
					entries[index] = new Entry<>(type, value);
					break;
				}
				index = (index + 1) & MASK;
			}
		}
		return value;
	}

	/** Final fields: a racing reader sees an entry whole or not at all. */
	private static final class Entry<V> {

		final Class<?> type;

		final V value;

		Entry(Class<?> type, V value) {
			this.type = type;
			this.value = value;
		}

	}

}
