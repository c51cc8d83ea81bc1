package dev.contextstarter.requestid.reactor;

import java.util.function.Function;

import io.micrometer.context.ContextRegistry;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Hooks;
import reactor.core.scheduler.Schedulers;

import dev.contextstarter.support.GlobalHook;

/**
 * Installs the starter's propagation through Reactor: registers the
 * {@link RequestContextAccessor} with the global {@link ContextRegistry} (so
 * {@code contextCapture()} and any automatic propagation carry the context), installs the
 * {@link RequestContextHooks} and, when asked, turns on Reactor's automatic context
 * propagation as well. Undoes all of it when the last application context that installed
 * it closes, so no global state outlives it.
 */
public final class ReactorContextPropagation {

	private static final String AUTOMATIC_KEY = "dev.contextstarter.automatic-propagation";

	private final GlobalHook hooks = new GlobalHook(RequestContextHooks.HOOK_KEY,
			ReactorContextPropagation::addAccessorAndHooks, ReactorContextPropagation::removeAccessorAndHooks);

	private final @Nullable GlobalHook automaticPropagation;

	/**
	 * Create the registration.
	 * @param automaticPropagation whether to turn on Reactor's automatic propagation as
	 * well
	 */
	public ReactorContextPropagation(boolean automaticPropagation) {
		// Boot 4.0 may ignore spring.reactor.context-propagation=auto
		// (spring-boot#49332).
		this.automaticPropagation = automaticPropagation ? new GlobalHook(AUTOMATIC_KEY,
				Hooks::enableAutomaticContextPropagation, Hooks::disableAutomaticContextPropagation) : null;
	}

	/**
	 * Register the accessor, install the hooks and, if configured, enable automatic
	 * propagation.
	 */
	public void install() {
		this.hooks.install();
		if (this.automaticPropagation != null) {
			this.automaticPropagation.install();
		}
	}

	/**
	 * Remove the accessor and the hooks and turn automatic propagation off, whatever
	 * installed them; for test kits that reset global state between tests.
	 */
	public static void reset() {
		GlobalHook.forget(RequestContextHooks.HOOK_KEY);
		removeAccessorAndHooks();
		if (GlobalHook.forget(AUTOMATIC_KEY)) {
			Hooks.disableAutomaticContextPropagation();
		}
	}

	/**
	 * Undo {@link #install()} once no other installation remains.
	 */
	public void uninstall() {
		// Automatic propagation ends with the last installation that asked for it, even
		// while others (which did not) remain.
		if (this.automaticPropagation != null) {
			this.automaticPropagation.uninstall();
		}
		this.hooks.uninstall();
	}

	private static void addAccessorAndHooks() {
		ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestContextAccessor());
		Schedulers.onScheduleHook(RequestContextHooks.HOOK_KEY, RequestContextHooks::decorateTask);
		Hooks.onEachOperator(RequestContextHooks.HOOK_KEY, assemblyHook());
	}

	/** The hook typed as Reactor wants it; it takes and returns any object, uncast. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static Function<? super Publisher<Object>, ? extends Publisher<Object>> assemblyHook() {
		return (Function) RequestContextHooks.ASSEMBLY_HOOK;
	}

	private static void removeAccessorAndHooks() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(RequestContextAccessor.KEY);
		Schedulers.resetOnScheduleHook(RequestContextHooks.HOOK_KEY);
		Hooks.resetOnEachOperator(RequestContextHooks.HOOK_KEY);
	}

}
