package dev.contextstarter.requestid.reactor;

import org.reactivestreams.Publisher;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;

/**
 * The starter's own propagation of the request context through Reactor, which costs a thread
 * hop one thread-local read and one scope switch instead of a snapshot of every registered
 * {@code ThreadLocalAccessor} (what Reactor's automatic propagation does):
 * <ul>
 * <li>{@link #decorateTask(Runnable)}, a {@code Schedulers.onScheduleHook}: a task scheduled
 * while a context is current (a {@code publishOn}, {@code subscribeOn}, {@code delayElement}
 * or timeout hop) runs with that context and restores the worker's previous one after;</li>
 * <li>{@link #restoreForeignSources(Publisher)}, a {@code Hooks.onEachOperator} hook: sources
 * whose signals arrive on threads that no Reactor scheduler hands over
 * ({@code Mono.fromFuture}, {@code fromCompletionStage}, {@code create}, {@code push}, and
 * {@code from} a publisher that is not Reactor's own) restore the subscriber's context around
 * each signal.</li>
 * </ul>
 * Both step aside while Reactor's automatic propagation is on, which then restores the context
 * itself.
 */
public final class RequestContextHooks {

	/** The key of both hooks. */
	public static final String HOOK_KEY = "dev.contextstarter.request-context";

	/** What each operator class is, looked up once per class. */
	private static final ClassValue<SourceKind> SOURCE_KINDS = new ClassValue<>() {

		@Override
		protected SourceKind computeValue(Class<?> type) {
			if (!type.getName().startsWith(REACTOR_PACKAGE)) {
				return SourceKind.OTHER;
			}
			return switch (type.getSimpleName()) {
				case "MonoCompletionStage", "MonoCreate", "FluxCreate" -> SourceKind.FOREIGN;
				case "FluxSource", "FluxSourceFuseable", "MonoSource", "MonoSourceFuseable", "MonoFromPublisher" ->
					SourceKind.WRAPPING;
				default -> SourceKind.OTHER;
			};
		}

	};

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	private RequestContextHooks() {
	}

	/**
	 * Wrap a task so that it runs with the context current where it was scheduled.
	 * @param task the scheduled task
	 * @return the task, wrapped when a context is current
	 */
	public static Runnable decorateTask(Runnable task) {
		RequestContext context = RequestContextHolder.current();
		if (context == null || Hooks.isAutomaticContextPropagationEnabled()) {
			return task;
		}
		return new ContextTask(task, context);
	}

	/**
	 * Wrap a source that may signal from a foreign thread so that its subscriber's context is
	 * restored around each signal.
	 * @param publisher the assembled operator
	 * @return the operator, wrapped when it is such a source
	 */
	public static Publisher<Object> restoreForeignSources(Publisher<Object> publisher) {
		if (publisher instanceof MonoOperator || publisher instanceof FluxOperator) {
			// Most operators: they have a Reactor upstream, which signals for them. The type check
			// costs less than the per-class lookup below.
			return publisher;
		}
		SourceKind kind = SOURCE_KINDS.get(publisher.getClass());
		boolean foreign = kind == SourceKind.FOREIGN
				|| (kind == SourceKind.WRAPPING && !wrapsReactorPublisher(publisher));
		if (!foreign || Hooks.isAutomaticContextPropagationEnabled()) {
			return publisher;
		}
		if (publisher instanceof Mono<Object> mono) {
			return RequestContextRestoring.mono(mono);
		}
		if (publisher instanceof Flux<Object> flux) {
			return RequestContextRestoring.flux(flux);
		}
		return publisher;
	}

	private static boolean wrapsReactorPublisher(Publisher<?> publisher) {
		Object source = Scannable.from(publisher).scanUnsafe(Scannable.Attr.PARENT);
		return source != null && source.getClass().getName().startsWith(REACTOR_PACKAGE);
	}

	private enum SourceKind {

		/** Signals from foreign threads, whatever it wraps. */
		FOREIGN,

		/** Signals from foreign threads when what it wraps is not Reactor's own. */
		WRAPPING,

		/** Signals for its Reactor upstream, or synchronously. */
		OTHER

	}

	private static final class ContextTask implements Runnable {

		private final Runnable task;

		private final RequestContext context;

		ContextTask(Runnable task, RequestContext context) {
			this.task = task;
			this.context = context;
		}

		@Override
		public void run() {
			RequestContext previous = RequestContextHolder.swap(this.context);
			try {
				this.task.run();
			}
			finally {
				RequestContextHolder.set(previous);
			}
		}

		@Override
		public String toString() {
			return this.task.toString();
		}

	}

}
