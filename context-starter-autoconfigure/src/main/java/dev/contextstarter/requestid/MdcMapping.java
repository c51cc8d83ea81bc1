package dev.contextstarter.requestid;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Which MDC keys a {@link RequestIdContext} is written under: one for the request ID and
 * one per configured field. Writes are skipped for keys whose value does not change,
 * since an MDC write costs far more than the scope switch itself.
 */
public final class MdcMapping {

	/** The default MDC key of the request ID. */
	public static final String DEFAULT_REQUEST_ID_KEY = "requestId";

	private static final MdcMapping DEFAULT = new MdcMapping(DEFAULT_REQUEST_ID_KEY, Map.of());

	private final String requestIdKey;

	private final String[] fieldNames;

	private final String[] fieldKeys;

	/**
	 * Create a mapping.
	 * @param requestIdKey the MDC key of the request ID
	 * @param fieldKeys the MDC key of each field, by field name
	 */
	public MdcMapping(String requestIdKey, Map<String, String> fieldKeys) {
		this.requestIdKey = Objects.requireNonNull(requestIdKey, "requestIdKey must not be null");
		Map<String, String> ordered = new LinkedHashMap<>(fieldKeys);
		this.fieldNames = ordered.keySet().toArray(String[]::new);
		this.fieldKeys = ordered.values().toArray(String[]::new);
	}

	/**
	 * The mapping used when nothing is configured: the request ID under
	 * {@code requestId}.
	 * @return the default mapping
	 */
	public static MdcMapping defaults() {
		return DEFAULT;
	}

	/**
	 * The MDC key of the request ID.
	 * @return the key
	 */
	public String requestIdKey() {
		return this.requestIdKey;
	}

	/**
	 * The MDC key of each field, by field name.
	 * @return the keys
	 */
	public Map<String, String> fieldKeys() {
		Map<String, String> keys = new LinkedHashMap<>();
		for (int i = 0; i < this.fieldNames.length; i++) {
			keys.put(this.fieldNames[i], this.fieldKeys[i]);
		}
		return keys;
	}

	/**
	 * Every MDC key this mapping writes.
	 * @return the keys, the request ID key first
	 */
	public String[] allKeys() {
		String[] keys = new String[this.fieldKeys.length + 1];
		keys[0] = this.requestIdKey;
		System.arraycopy(this.fieldKeys, 0, keys, 1, this.fieldKeys.length);
		return keys;
	}

	/**
	 * Bring the current thread's MDC from {@code previous} to {@code next}, writing only
	 * the keys whose value changes.
	 * @param previous the context the MDC currently reflects
	 * @param next the context it should reflect
	 */
	void update(@Nullable RequestIdContext previous, @Nullable RequestIdContext next) {
		if (previous == next) {
			return;
		}
		write(this.requestIdKey, (previous != null) ? previous.requestId() : null,
				(next != null) ? next.requestId() : null);
		for (int i = 0; i < this.fieldNames.length; i++) {
			String name = this.fieldNames[i];
			write(this.fieldKeys[i], (previous != null) ? previous.field(name) : null,
					(next != null) ? next.field(name) : null);
		}
	}

	private static void write(String key, @Nullable String previous, @Nullable String next) {
		if (Objects.equals(previous, next)) {
			return;
		}
		if (next == null) {
			MDC.remove(key);
		}
		else {
			MDC.put(key, next);
		}
	}

}
