package dev.contextstarter.support;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

/**
 * A JVM-wide hook (a Reactor hook, or any global switch) installed under a key and
 * reference counted: several application contexts in one JVM (tests start many) each
 * install it, the first adds it and the last to uninstall removes it. One instance counts
 * once however often it is installed; one installed before {@link #forget(String)}
 * removes nothing later. For the starter's own use.
 */
public final class GlobalHook {

	/** Installations by key; guards every instance's {@code counted} too. */
	private static final Map<String, Count> installations = new HashMap<>();

	private final String key;

	private final Runnable add;

	private final Runnable remove;

	/** The count this instance is in, {@code null} while not installed. */
	private @Nullable Count counted;

	/**
	 * Create a hook.
	 * @param key the key it is counted under
	 * @param add adds the hook
	 * @param remove removes it
	 */
	public GlobalHook(String key, Runnable add, Runnable remove) {
		this.key = key;
		this.add = add;
		this.remove = remove;
	}

	/**
	 * A {@link Schedulers#onScheduleHook(String, Function) schedule hook} under its key.
	 * @param key the key of the hook and of its count
	 * @param decorator wraps each scheduled task
	 * @return the hook, not installed yet
	 */
	public static GlobalHook onSchedule(String key, Function<Runnable, Runnable> decorator) {
		return new GlobalHook(key, () -> Schedulers.onScheduleHook(key, decorator),
				() -> Schedulers.resetOnScheduleHook(key));
	}

	/**
	 * A {@link Hooks#onLastOperator(String, Function) last-operator hook} under its key.
	 * @param key the key of the hook and of its count
	 * @param decorator decorates the last operator of each assembly
	 * @return the hook, not installed yet
	 */
	public static GlobalHook onLastOperator(String key,
			Function<? super Publisher<Object>, ? extends Publisher<Object>> decorator) {
		return new GlobalHook(key, () -> Hooks.onLastOperator(key, decorator), () -> Hooks.resetOnLastOperator(key));
	}

	/**
	 * Add the hook unless another installation of its key already did.
	 */
	public void install() {
		synchronized (installations) {
			if (this.counted != null) {
				return;
			}
			Count count = installations.computeIfAbsent(this.key, (key) -> new Count());
			this.counted = count;
			if (count.installations++ == 0) {
				this.add.run();
			}
		}
	}

	/**
	 * Undo {@link #install()}; the hook goes once no other installation of its key
	 * remains.
	 */
	public void uninstall() {
		synchronized (installations) {
			Count count = this.counted;
			this.counted = null;
			// Not installed, or forgotten since (whoever forgot it removed the hook).
			if (count == null || installations.get(this.key) != count) {
				return;
			}
			if (--count.installations == 0) {
				installations.remove(this.key);
				this.remove.run();
			}
		}
	}

	/**
	 * Whether this instance is installed.
	 * @return {@code true} after {@link #install()} until {@link #uninstall()}
	 */
	public boolean isInstalled() {
		synchronized (installations) {
			return this.counted != null;
		}
	}

	/**
	 * Forget every installation of a key, for test kits that reset global state; the
	 * caller removes the hook itself.
	 * @param key the key
	 * @return whether any installation was counted
	 */
	public static boolean forget(String key) {
		synchronized (installations) {
			return installations.remove(key) != null;
		}
	}

	/** The installations of one key, until it is forgotten. */
	private static final class Count {

		private int installations;

	}

}
