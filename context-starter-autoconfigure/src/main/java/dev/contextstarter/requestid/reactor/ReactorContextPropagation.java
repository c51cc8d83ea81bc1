package dev.contextstarter.requestid.reactor;

import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Hooks;

/**
 * Registers the {@link RequestContextAccessor} with the global {@link ContextRegistry} and,
 * when asked, turns on Reactor's automatic context propagation; undoes both when the last
 * application context that installed them closes, so no global state outlives it.
 */
public final class ReactorContextPropagation {

	private static final Object lock = new Object();

	private static int installations;

	private static boolean automaticPropagationEnabled;

	private final boolean automaticPropagation;

	private boolean installed;

	/**
	 * Create the registration.
	 * @param automaticPropagation whether to turn on Reactor's automatic propagation
	 */
	public ReactorContextPropagation(boolean automaticPropagation) {
		this.automaticPropagation = automaticPropagation;
	}

	/**
	 * Register the accessor and, if configured, enable automatic propagation.
	 */
	public void install() {
		synchronized (lock) {
			if (this.installed) {
				return;
			}
			this.installed = true;
			if (installations++ == 0) {
				ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestContextAccessor());
			}
			if (this.automaticPropagation && !automaticPropagationEnabled) {
				// Boot 4.0 may ignore spring.reactor.context-propagation=auto (spring-boot#49332).
				Hooks.enableAutomaticContextPropagation();
				automaticPropagationEnabled = true;
			}
		}
	}

	/**
	 * Remove the accessor and turn automatic propagation off, whatever installed them; for
	 * test kits that reset global state between tests.
	 */
	public static void reset() {
		synchronized (lock) {
			installations = 0;
			ContextRegistry.getInstance().removeThreadLocalAccessor(RequestContextAccessor.KEY);
			if (automaticPropagationEnabled) {
				Hooks.disableAutomaticContextPropagation();
				automaticPropagationEnabled = false;
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
			if (installations > 0 && --installations == 0) {
				ContextRegistry.getInstance().removeThreadLocalAccessor(RequestContextAccessor.KEY);
				if (automaticPropagationEnabled) {
					Hooks.disableAutomaticContextPropagation();
					automaticPropagationEnabled = false;
				}
			}
		}
	}

}
