package dev.contextstarter.support;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

/**
 * A JVM-wide hook (a Reactor hook, or any global switch) installed under a key and reference
 * counted: several application contexts in one JVM (tests start many) each install it, the
 * first adds it and the last to uninstall removes it. One instance counts once however often
 * it is installed. For the starter's own use.
 */
public final class GlobalHook {

	/** Installations by key; guards every instance's {@code installed} too. */
	private static final Map<String, Integer> installations = new HashMap<>();

	private final String key;

	private final Runnable add;

	private final Runnable remove;

	private boolean installed;

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
			if (this.installed) {
				return;
			}
			this.installed = true;
			if (installations.merge(this.key, 1, Integer::sum) == 1) {
				this.add.run();
			}
		}
	}

	/**
	 * Undo {@link #install()}; the hook goes once no other installation of its key remains.
	 */
	public void uninstall() {
		synchronized (installations) {
			if (!this.installed) {
				return;
			}
			this.installed = false;
			Integer count = installations.get(this.key);
			if (count == null) {
				// Forgotten by forget(key) since: whoever forgot it removed the hook.
				return;
			}
			if (count == 1) {
				installations.remove(this.key);
				this.remove.run();
			}
			else {
				installations.put(this.key, count - 1);
			}
		}
	}

	/**
	 * Whether this instance is installed.
	 * @return {@code true} after {@link #install()} until {@link #uninstall()}
	 */
	public boolean isInstalled() {
		synchronized (installations) {
			return this.installed;
		}
	}

	/**
	 * Forget every installation of a key, for test kits that reset global state; the caller
	 * removes the hook itself.
	 * @param key the key
	 * @return whether any installation was counted
	 */
	public static boolean forget(String key) {
		synchronized (installations) {
			return installations.remove(key) != null;
		}
	}

}
