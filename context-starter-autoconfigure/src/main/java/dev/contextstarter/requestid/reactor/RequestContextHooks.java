package dev.contextstarter.requestid.reactor;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
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
 * The starter's own propagation of the request context through Reactor, which costs a
 * thread hop one thread-local read and one scope switch instead of a snapshot of every
 * registered {@code ThreadLocalAccessor} (what Reactor's automatic propagation does). Its
 * rule: every signal runs in its own subscriber's context.
 * <ul>
 * <li>{@link #decorateTask(Runnable)}, a {@code Schedulers.onScheduleHook}: a task
 * scheduled while a context is current (a {@code publishOn}, {@code subscribeOn},
 * {@code delayElement} or timeout hop) runs with that context and restores the worker's
 * previous one after;</li>
 * <li>{@link #onEachOperator(Publisher)}, a {@code Hooks.onEachOperator} hook, puts a
 * restoring step wherever signals may arrive from another context: after sources that
 * signal from foreign threads ({@code Mono.fromFuture}, {@code create}, {@code push},
 * {@code from} a publisher that is not Reactor's own), after multicasting operators
 * ({@code share}, {@code publish}, {@code replay}, {@code cache}, {@code autoConnect},
 * {@code refCount}), after operators that subscribe to publishers handed to them at run
 * time ({@code flatMap}, {@code then}, {@code zip}, {@code switchIfEmpty} ...) unless
 * every such publisher is known to deliver in its subscriber's context
 * ({@link InnerOperators}: Reactor's most common ones instead get a guarded function, or
 * are checked at assembly), and between an operator and its source when that source never
 * passed through the hook: a sink, a {@code Mono}/{@code Flux} made by a library, or a
 * foreign or multicasting source assembled before the hook was installed.</li>
 * </ul>
 * While Reactor's automatic propagation is on, the scheduler hook and the foreign-source
 * steps stand aside (Reactor restores those itself); the multicasting steps stay, because
 * Reactor delivers a shared upstream's signals in the context of whoever started it.
 */
final class RequestContextHooks {

	/** The key of both hooks. */
	static final String HOOK_KEY = "dev.contextstarter.request-context";

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	/** Sources whose signals arrive on threads that no Reactor scheduler hands over. */
	private static final Set<String> FOREIGN = Set.of("MonoCompletionStage", "MonoCreate", "FluxCreate");

	/**
	 * Adapters of another publisher, foreign when that publisher is not Reactor's own.
	 */
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

	/**
	 * Reactor's marker of sources that subscribe to no other publisher, or null if out of
	 * reach.
	 */
	private static final @Nullable Class<?> SOURCE_PRODUCER = sourceProducer();

	private static final Map<Type, Type> SHARED_TYPES = new ConcurrentHashMap<>();

	/** What each publisher class is, worked out once per class. */
	private static final PublisherClassTable<Type> TYPES = new PublisherClassTable<>(RequestContextHooks::typeOf,
			Flux.class.getClassLoader());

	/**
	 * {@link #onEachOperator(Object)} as Reactor calls it: typed on {@code Object}, so
	 * that no cast to {@code Publisher} is made. That cast is an interface check on
	 * Reactor's operator classes, which Reactor itself checks against other interfaces:
	 * on JDK 17 it misses its one-entry cache and scans their secondary supertypes on
	 * every operator assembled (JDK-8180450).
	 */
	static final Function<Object, Object> ASSEMBLY_HOOK = RequestContextHooks::onEachOperator;

	private RequestContextHooks() {
	}

	/**
	 * Wrap a task so that it runs with the context current where it was scheduled.
	 * @param task the scheduled task
	 * @return the task, wrapped when a context is current
	 */
	static Runnable decorateTask(Runnable task) {
		RequestIdContext context = RequestIdContextHolder.current();
		if (context == null || Hooks.isAutomaticContextPropagationEnabled()) {
			return task;
		}
		return new ContextRunnable(task, context);
	}

	/**
	 * Put a step that restores the subscriber's context where {@code publisher}'s
	 * subscribers may receive signals from another context.
	 * @param publisher the assembled operator, a {@code Publisher}
	 * @return the operator, or a restoring operator in its place
	 */
	static Object onEachOperator(Object publisher) {
		Type type = TYPES.get(publisher.getClass());
		return switch (type.kind()) {
			case SOURCE, RESTORING, PARALLEL -> publisher;
			case OTHER -> restoreBelowUnseenSource(publisher, Hooks.isAutomaticContextPropagationEnabled());
			case MULTICAST -> restoring(publisher);
			case CONNECTABLE -> RequestContextRestoring.connectable((ConnectableFlux<Object>) publisher);
			case WRAPPING -> (Hooks.isAutomaticContextPropagationEnabled() || wrapsReactorPublisher(publisher))
					? publisher : restoring(publisher);
			case INNER -> Hooks.isAutomaticContextPropagationEnabled() ? publisher : withoutInnerStep(publisher, type);
			case FOREIGN, SINK, LIBRARY ->
				Hooks.isAutomaticContextPropagationEnabled() ? publisher : restoring(publisher);
		};
	}

	/**
	 * An operator that subscribes to publishers handed to it needs a restoring step after
	 * it, unless every publisher it will subscribe to is known to deliver in its
	 * subscriber's context ({@link InnerOperators}). Its own step (a flatMap's function)
	 * may take signals from an unseen source too.
	 */
	private static Object withoutInnerStep(Object operator, Type type) {
		InnerOperators.InnerOperator inner = type.inner();
		// Without a step it checked its source itself: an unseen one keeps the step
		// below.
		Object checked = (inner != null) ? inner.withoutStep(operator) : null;
		return (checked != null) ? checked : restoring(restoreBelowUnseenSource(operator, false));
	}

	/**
	 * Whether {@code publisher}'s signals reach its subscriber in that subscriber's
	 * context, as far as the hook can tell: it passed through the hook (or got a
	 * restoring step from it), and its source is not one that never did. Takes any object
	 * and makes no interface check (see {@link #parentOf(Object)}): anything but
	 * Reactor's own publishers and the starter's is a library's, which does not.
	 * @param publisher a publisher an operator subscribes to, or anything else
	 * @return whether it needs no restoring step in front of its subscriber
	 */
	static boolean delivers(Object publisher) {
		Type type = TYPES.get(publisher.getClass());
		return switch (type.kind()) {
			case SOURCE, RESTORING -> true;
			case OTHER -> !hasUnseenSource(publisher, false);
			case WRAPPING -> wrapsReactorPublisher(publisher);
			case INNER -> type.inner() != null && type.inner().delivers(publisher);
			case MULTICAST, CONNECTABLE, FOREIGN, SINK, LIBRARY, PARALLEL -> false;
		};
	}

	/**
	 * What a guarded function of an inner-subscribing operator returns: {@code publisher}
	 * itself when it delivers in its subscriber's context, else behind a restoring step.
	 * @param publisher what the operator's function returned
	 * @return the publisher for the operator to subscribe to
	 */
	static @Nullable Object delivering(@Nullable Object publisher) {
		if (publisher == null || delivers(publisher)) {
			return publisher;
		}
		if (publisher instanceof Mono<?> || publisher instanceof Flux<?>) {
			return restoring(publisher);
		}
		// The hook puts a restoring step after a foreign publisher's adapter; anything
		// else is the operator's to reject.
		return (publisher instanceof Publisher<?> foreign) ? Flux.from(foreign) : publisher;
	}

	/**
	 * An operator whose source never passed through this hook (a sink, a library's
	 * {@code Mono}/{@code Flux}, a source assembled before the hook was installed) gets a
	 * restoring step between it and that source, so that its own step runs in the right
	 * context too.
	 */
	private static Object restoreBelowUnseenSource(Object publisher, boolean automatic) {
		return hasUnseenSource(publisher, automatic) ? SourceRestoringOperator.restoreBelow(publisher) : publisher;
	}

	private static boolean hasUnseenSource(Object publisher, boolean automatic) {
		return isUnseen(parentOf(publisher), automatic);
	}

	/**
	 * The source an operator subscribes to. Reactor's operators' sources are read from
	 * their fields ({@link InnerOperators#sourceOf(Object)}); only other publishers are
	 * asked through {@link Scannable}. An interface check on Reactor's operator classes,
	 * which Reactor itself checks against other interfaces, misses JDK 17's one-entry
	 * cache of secondary supertypes and scans them every time (JDK-8180450), which made
	 * the hook several times slower on a mixed chain.
	 * @param publisher an assembled publisher
	 * @return its source, or {@code null}
	 */
	static @Nullable Object parentOf(Object publisher) {
		Object source = InnerOperators.sourceOf(publisher);
		if (source != InnerOperators.UNKNOWN) {
			return source;
		}
		return (publisher instanceof Scannable scannable) ? scannable.scanUnsafe(Scannable.Attr.PARENT) : null;
	}

	/**
	 * Whether an operator's source never passed through this hook, so that its signals
	 * may come from another context.
	 * @param source the source, or {@code null} for none
	 * @param automatic whether Reactor's automatic propagation is on
	 * @return whether it needs a restoring step in front of the operator
	 */
	static boolean isUnseen(@Nullable Object source, boolean automatic) {
		if (source == null) {
			return false;
		}
		return switch (TYPES.get(source.getClass()).kind()) {
			case OTHER, SOURCE, RESTORING, INNER, PARALLEL -> false;
			case MULTICAST, CONNECTABLE -> true;
			case WRAPPING -> !automatic && !wrapsReactorPublisher(source);
			case FOREIGN, SINK, LIBRARY -> !automatic;
		};
	}

	/**
	 * {@code publisher} behind a step that restores its subscriber's own context.
	 * @param publisher a publisher, typed as the assembly hook gets it
	 * @return the restoring {@code Mono} or {@code Flux}, or {@code publisher} when it is
	 * neither
	 */
	@SuppressWarnings("unchecked")
	static Object restoring(Object publisher) {
		if (publisher instanceof Mono<?> mono) {
			return RequestContextRestoring.mono((Mono<Object>) mono);
		}
		if (publisher instanceof Flux<?> flux) {
			return RequestContextRestoring.flux((Flux<Object>) flux);
		}
		return publisher;
	}

	private static boolean wrapsReactorPublisher(Object publisher) {
		Object source = parentOf(publisher);
		// Reactor's own, or one of the starter's restoring publishers.
		return source != null && TYPES.get(source.getClass()).kind() != Kind.LIBRARY;
	}

	private static Type typeOf(Class<?> type) {
		Kind kind = kindOf(type);
		Type made = new Type(kind, (kind == Kind.INNER) ? InnerOperators.of(type.getSimpleName()) : null);
		// A score of shared values, which stay in the CPU's caches, rather than one per
		// class.
		return SHARED_TYPES.computeIfAbsent(made, Function.identity());
	}

	private static Kind kindOf(Class<?> type) {
		if (ParallelFlux.class.isAssignableFrom(type)) {
			// Its rails are subscribed by the operators after it, which are checked
			// themselves.
			return Kind.PARALLEL;
		}
		if (RestoringPublisher.class.isAssignableFrom(type)) {
			return Kind.RESTORING;
		}
		if (!InnerOperators.isReactors(type)) {
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
		return (SOURCE_PRODUCER != null && SOURCE_PRODUCER.isAssignableFrom(type)) ? Kind.SOURCE : Kind.OTHER;
	}

	private static @Nullable Class<?> sourceProducer() {
		try {
			return Class.forName(REACTOR_PACKAGE + "SourceProducer", false, Flux.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

	/**
	 * A publisher class as the hook sees it.
	 *
	 * @param kind what it is
	 * @param inner for an inner-subscribing operator, how to do without a step after it
	 */
	private record Type(Kind kind, InnerOperators.@Nullable InnerOperator inner) {

	}

	private enum Kind {

		/** Signals for its Reactor upstream, or synchronously. */
		OTHER,

		/**
		 * Signals synchronously, or from a Reactor scheduler: subscribes to no publisher.
		 */
		SOURCE,

		/** A {@link ParallelFlux}. */
		PARALLEL,

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
