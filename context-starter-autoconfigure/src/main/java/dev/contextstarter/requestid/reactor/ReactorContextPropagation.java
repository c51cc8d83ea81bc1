package dev.contextstarter.requestid.reactor;

import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

/**
 * Installs the starter's propagation through Reactor: registers the
 * {@link RequestContextAccessor} with the global {@link ContextRegistry} (so
 * {@code contextCapture()} and any automatic propagation carry the context), installs the
 * {@link RequestContextHooks} and, when asked, turns on Reactor's automatic context
 * propagation as well. Undoes all of it when the last application context that installed it
 * closes, so no global state outlives it.
 */
public final class ReactorContextPropagation {

	private static final Object lock = new Object();

	private static int installations;

	private static int automaticInstallations;

	private final boolean automaticPropagation;

	private boolean installed;

	/**
	 * Create the registration.
	 * @param automaticPropagation whether to turn on Reactor's automatic propagation as well
	 */
	public ReactorContextPropagation(boolean automaticPropagation) {
		this.automaticPropagation = automaticPropagation;
	}

	/**
	 * Register the accessor, install the hooks and, if configured, enable automatic
	 * propagation.
	 */
	public void install() {
		synchronized (lock) {
			if (this.installed) {
				return;
			}
			this.installed = true;
			if (installations++ == 0) {
				ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestContextAccessor());
				Schedulers.onScheduleHook(RequestContextHooks.HOOK_KEY, RequestContextHooks::decorateTask);
				Hooks.onEachOperator(RequestContextHooks.HOOK_KEY, RequestContextHooks::onEachOperator);
			}
			if (this.automaticPropagation && automaticInstallations++ == 0) {
				// Boot 4.0 may ignore spring.reactor.context-propagation=auto (spring-boot#49332).
				Hooks.enableAutomaticContextPropagation();
			}
		}
	}

	/**
	 * Remove the accessor and the hooks and turn automatic propagation off, whatever
	 * installed them; for test kits that reset global state between tests.
	 */
	public static void reset() {
		synchronized (lock) {
			installations = 0;
			removeAccessorAndHooks();
			if (automaticInstallations > 0) {
				automaticInstallations = 0;
				Hooks.disableAutomaticContextPropagation();
			}
		}
	}

	/**
	 * Undo {@link #install()} once no other installation remains.
	 */
	public void uninstall() {
		synchronized (lock) {
			if (!this.installed) {
				return;
			}
			this.installed = false;
			// Automatic propagation ends with the last installation that asked for it, even
			// while others (which did not) remain.
			if (this.automaticPropagation && automaticInstallations > 0 && --automaticInstallations == 0) {
				Hooks.disableAutomaticContextPropagation();
			}
			if (installations > 0 && --installations == 0) {
				removeAccessorAndHooks();
			}
		}
	}

	private static void removeAccessorAndHooks() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(RequestContextAccessor.KEY);
		Schedulers.resetOnScheduleHook(RequestContextHooks.HOOK_KEY);
		Hooks.resetOnEachOperator(RequestContextHooks.HOOK_KEY);
	}

}
