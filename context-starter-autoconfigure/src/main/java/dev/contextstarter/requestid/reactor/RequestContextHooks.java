package dev.contextstarter.requestid.reactor;

import java.util.Set;

import org.reactivestreams.Publisher;
import reactor.core.Scannable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.ParallelFlux;

import dev.contextstarter.requestid.ContextRunnable;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

/**
 * The starter's own propagation of the request context through Reactor, which costs a thread
 * hop one thread-local read and one scope switch instead of a snapshot of every registered
 * {@code ThreadLocalAccessor} (what Reactor's automatic propagation does). Its rule: every
 * signal runs in its own subscriber's context.
 * <ul>
 * <li>{@link #decorateTask(Runnable)}, a {@code Schedulers.onScheduleHook}: a task scheduled
 * while a context is current (a {@code publishOn}, {@code subscribeOn}, {@code delayElement}
 * or timeout hop) runs with that context and restores the worker's previous one after;</li>
 * <li>{@link #onEachOperator(Publisher)}, a {@code Hooks.onEachOperator} hook, puts a
 * restoring step wherever signals may arrive from another context: after sources that signal
 * from foreign threads ({@code Mono.fromFuture}, {@code create}, {@code push}, {@code from} a
 * publisher that is not Reactor's own), after multicasting operators ({@code share},
 * {@code publish}, {@code replay}, {@code cache}, {@code autoConnect}, {@code refCount}),
 * after operators that subscribe to publishers handed to them at run time ({@code flatMap},
 * {@code then}, {@code zip}, {@code switchIfEmpty} ...), and between an operator and its
 * source when that source never passed through the hook: a sink, a {@code Mono}/{@code Flux}
 * made by a library, or a foreign or multicasting source assembled before the hook was
 * installed.</li>
 * </ul>
 * While Reactor's automatic propagation is on, the scheduler hook and the foreign-source
 * steps stand aside (Reactor restores those itself); the multicasting steps stay, because
 * Reactor delivers a shared upstream's signals in the context of whoever started it.
 */
public final class RequestContextHooks {

	/** The key of both hooks. */
	public static final String HOOK_KEY = "dev.contextstarter.request-context";

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	/** Sources whose signals arrive on threads that no Reactor scheduler hands over. */
	private static final Set<String> FOREIGN = Set.of("MonoCompletionStage", "MonoCreate", "FluxCreate");

	/** Adapters of another publisher, foreign when that publisher is not Reactor's own. */
	private static final Set<String> WRAPPING = Set.of("FluxSource", "FluxSourceFuseable", "MonoSource",
			"MonoSourceFuseable", "MonoFromPublisher", "FluxSourceMono", "FluxSourceMonoFuseable", "MonoSourceFlux",
			"MonoSourceFluxFuseable");

	/** Operators that deliver one upstream's signals to several subscribers. */
	private static final Set<String> MULTICAST = Set.of("FluxRefCount", "FluxRefCountGrace", "FluxAutoConnect",
			"FluxAutoConnectFuseable", "MonoCacheTime", "MonoCacheInvalidateIf", "MonoCacheInvalidateWhen",
			"NextProcessor", "FluxPublish", "FluxReplay");

	/** Operators that pass on signals of publishers they subscribe to at run time. */
	private static final Set<String> INNER = Set.of("FluxFlatMap", "MonoFlatMap", "MonoFlatMapMany", "FluxConcatMap",
			"FluxConcatMapNoPrefetch", "FluxSwitchMap", "FluxSwitchMapNoPrefetch", "FluxMergeSequential", "FluxMerge",
			"FluxMergeComparing", "FluxZip", "FluxZipIterable", "MonoZip", "MonoWhen", "FluxConcatArray",
			"FluxConcatIterable", "MonoIgnoreThen", "FluxSwitchIfEmpty", "MonoSwitchIfEmpty", "FluxOnErrorResume",
			"MonoOnErrorResume", "FluxDefer", "MonoDefer", "FluxDeferContextual", "MonoDeferContextual", "FluxUsing",
			"MonoUsing", "FluxUsingWhen", "MonoUsingWhen", "FluxFirstWithSignal", "MonoFirstWithSignal",
			"FluxFirstWithValue", "MonoFirstWithValue", "FluxCombineLatest", "FluxExpand", "MonoExpand",
			"FluxRetryWhen", "MonoRetryWhen", "FluxRepeatWhen", "MonoRepeatWhen", "MonoDelayUntil",
			"FluxTakeUntilOther", "MonoTakeUntilOther", "FluxWithLatestFrom", "MonoSequenceEqual");

	/** What each publisher class is, looked up once per class. */
	private static final ClassValue<Kind> KINDS = new ClassValue<>() {

		@Override
		protected Kind computeValue(Class<?> type) {
			if (RestoringPublisher.class.isAssignableFrom(type)) {
				return Kind.RESTORING;
			}
			if (!type.getName().startsWith(REACTOR_PACKAGE)) {
				return Kind.LIBRARY;
			}
			String name = type.getSimpleName();
			if (FOREIGN.contains(name)) {
				return Kind.FOREIGN;
			}
			if (WRAPPING.contains(name)) {
				return Kind.WRAPPING;
			}
			if (MULTICAST.contains(name)) {
				return ConnectableFlux.class.isAssignableFrom(type) ? Kind.CONNECTABLE : Kind.MULTICAST;
			}
			if (INNER.contains(name)) {
				return Kind.INNER;
			}
			if (name.startsWith("Sink") || name.endsWith("Processor")) {
				return Kind.SINK;
			}
			return Kind.OTHER;
		}

	};

	private RequestContextHooks() {
	}

	/**
	 * Wrap a task so that it runs with the context current where it was scheduled.
	 * @param task the scheduled task
	 * @return the task, wrapped when a context is current
	 */
	public static Runnable decorateTask(Runnable task) {
		RequestIdContext context = RequestIdContextHolder.current();
		if (context == null || Hooks.isAutomaticContextPropagationEnabled()) {
			return task;
		}
		return new ContextRunnable(task, context);
	}

	/**
	 * Put a step that restores the subscriber's context where {@code publisher}'s subscribers
	 * may receive signals from another context.
	 * @param publisher the assembled operator
	 * @return the operator, or a restoring operator in its place
	 */
	public static Publisher<Object> onEachOperator(Publisher<Object> publisher) {
		if (publisher instanceof ParallelFlux) {
			// Its rails are subscribed by the operators after it, which are checked themselves.
			return publisher;
		}
		boolean automatic = Hooks.isAutomaticContextPropagationEnabled();
		return switch (KINDS.get(publisher.getClass())) {
			case OTHER -> restoreBelowUnseenSource(publisher, automatic);
			case RESTORING -> publisher;
			case MULTICAST -> restoring(publisher);
			case CONNECTABLE -> RequestContextRestoring.connectable((ConnectableFlux<Object>) publisher);
			case WRAPPING -> (automatic || wrapsReactorPublisher(publisher)) ? publisher : restoring(publisher);
			// Its own step (a flatMap's function) may take signals from an unseen source too.
			case INNER -> automatic ? publisher : restoring(restoreBelowUnseenSource(publisher, false));
			case FOREIGN, SINK, LIBRARY -> automatic ? publisher : restoring(publisher);
		};
	}

	/**
	 * An operator whose source never passed through this hook (a sink, a library's
	 * {@code Mono}/{@code Flux}, a source assembled before the hook was installed) gets a
	 * restoring step between it and that source, so that its own step runs in the right
	 * context too.
	 */
	private static Publisher<Object> restoreBelowUnseenSource(Publisher<Object> publisher, boolean automatic) {
		Object source = (publisher instanceof Scannable scannable) ? scannable.scanUnsafe(Scannable.Attr.PARENT) : null;
		if (source == null) {
			return publisher;
		}
		Kind sourceKind = KINDS.get(source.getClass());
		boolean unseen = switch (sourceKind) {
			case OTHER, RESTORING, INNER -> false;
			case MULTICAST, CONNECTABLE -> true;
			case WRAPPING -> !automatic && !wrapsReactorPublisher((Publisher<?>) source);
			case FOREIGN, SINK, LIBRARY -> !automatic;
		};
		return unseen ? SourceRestoringOperator.restoreBelow(publisher) : publisher;
	}

	@SuppressWarnings("unchecked")
	private static Publisher<Object> restoring(Publisher<Object> publisher) {
		if (publisher instanceof Mono<?> mono) {
			return RequestContextRestoring.mono((Mono<Object>) mono);
		}
		if (publisher instanceof Flux<?> flux) {
			return RequestContextRestoring.flux((Flux<Object>) flux);
		}
		return publisher;
	}

	private static boolean wrapsReactorPublisher(Publisher<?> publisher) {
		Object source = Scannable.from(publisher).scanUnsafe(Scannable.Attr.PARENT);
		return source != null && source.getClass().getName().startsWith(REACTOR_PACKAGE);
	}

	private enum Kind {

		/** Signals for its Reactor upstream, or synchronously. */
		OTHER,

		/** One of the starter's restoring publishers. */
		RESTORING,

		/** Signals from foreign threads, whatever it wraps. */
		FOREIGN,

		/** Signals from foreign threads when what it wraps is not Reactor's own. */
		WRAPPING,

		/** Delivers one upstream's signals to several subscribers. */
		MULTICAST,

		/** A multicasting {@link ConnectableFlux}. */
		CONNECTABLE,

		/** Passes on the signals of publishers it subscribes to at run time. */
		INNER,

		/** A sink or processor: signals from wherever it is emitted into. */
		SINK,

		/** A publisher class from outside Reactor. */
		LIBRARY

	}

}
