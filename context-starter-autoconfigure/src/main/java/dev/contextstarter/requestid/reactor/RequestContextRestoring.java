package dev.contextstarter.requestid.reactor;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CorePublisher;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Fuseable;
import reactor.core.Scannable;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Publishers that make the right request context current around everything that crosses
 * them: the subscription, every signal going down ({@code onSubscribe}, {@code onNext},
 * {@code onError}, {@code onComplete}) and every signal going up ({@code request},
 * {@code cancel}).
 * <p>
 * {@link #mono(Mono)} and {@link #flux(Flux)} restore the subscriber's own context: they
 * sit where signals may arrive from another context, such as a {@code CompletableFuture}
 * completed by a foreign pool, a sink emitted into by another request, or a shared
 * upstream started by another subscriber. {@link #mono(Mono, RequestIdContext)} and
 * {@link #flux(Flux, RequestIdContext)} work like {@code contextWrite}: the given context
 * for the wrapped chain, the subscriber's own context for what follows. Every operator
 * downstream runs synchronously inside a restored signal, so it sees the context (and the
 * MDC) too; a thread hop further down is carried by
 * {@link RequestContextHooks#decorateTask(Runnable)}.
 */
public final class RequestContextRestoring {

	private RequestContextRestoring() {
	}

	/**
	 * Run {@code source} in {@code context}, as {@code contextWrite} would: its
	 * subscription, the requests and cancellation it receives and the Reactor
	 * {@code Context} it sees carry {@code context}; the signals it sends downstream run
	 * in the downstream subscriber's own context (the one in its Reactor {@code Context}
	 * or, failing that, the one current where it subscribed), or in none.
	 * @param <T> the element type
	 * @param source the source
	 * @param context the context of the wrapped chain
	 * @return the restoring {@code Mono}
	 */
	public static <T> Mono<T> mono(Mono<T> source, RequestIdContext context) {
		return new RestoringMono<>(source, context, false);
	}

	/**
	 * Run {@code source} in {@code context}, as {@link #mono(Mono, RequestIdContext)}
	 * does.
	 * @param <T> the element type
	 * @param source the source
	 * @param context the context of the wrapped chain
	 * @return the restoring {@code Flux}
	 */
	public static <T> Flux<T> flux(Flux<T> source, RequestIdContext context) {
		return new RestoringFlux<>(source, context);
	}

	/**
	 * Run {@code exchange}, the chain that serves one request as a whole, in
	 * {@code context}: its subscription and every signal both ways, those to its
	 * subscriber included, because that subscriber (the server) works for the same
	 * request. Unlike {@link #mono(Mono, RequestIdContext)}, the subscriber does not get
	 * a context of its own back, which spares a request two MDC switches at its end.
	 * @param <T> the element type
	 * @param exchange the chain that serves a request
	 * @param context the request's context
	 * @return the restoring {@code Mono}
	 */
	public static <T> Mono<T> serving(Mono<T> exchange, RequestIdContext context) {
		return new RestoringMono<>(exchange, context, true);
	}

	/**
	 * Restore the subscriber's context around every signal of {@code source}: the one in
	 * its Reactor {@code Context} or, failing that, the one current on the subscribing
	 * thread. A subscriber without a context gets its signals without one, whatever the
	 * signalling thread holds.
	 * @param <T> the element type
	 * @param source the source
	 * @return the restoring {@code Mono}
	 */
	public static <T> Mono<T> mono(Mono<T> source) {
		return new RestoringMono<>(source, null, false);
	}

	/**
	 * Restore the subscriber's context around every signal of {@code source}, as
	 * {@link #mono(Mono)} does.
	 * @param <T> the element type
	 * @param source the source
	 * @return the restoring {@code Flux}
	 */
	public static <T> Flux<T> flux(Flux<T> source) {
		return new RestoringFlux<>(source, null);
	}

	/**
	 * Restore each subscriber's context around the signals of a connectable source, and
	 * keep it connectable.
	 * @param <T> the element type
	 * @param source the source
	 * @return the restoring {@code ConnectableFlux}
	 */
	static <T> ConnectableFlux<T> connectable(ConnectableFlux<T> source) {
		return new RestoringConnectableFlux<>(source);
	}

	/**
	 * Subscribe {@code subscriber} to {@code source} with its own context restored around
	 * every signal.
	 * @param <T> the element type
	 * @param source the source
	 * @param subscriber the subscriber
	 */
	static <T> void subscribeRestoringOwnContext(CorePublisher<? extends T> source,
			CoreSubscriber<? super T> subscriber) {
		Context context = subscriber.currentContext();
		RequestIdContext own = RequestContextAccessor.current(context);
		RequestIdContext previous = RequestIdContextHolder.swap(own);
		try {
			source.subscribe(restoring(source, subscriber, own, own, context));
		}
		finally {
			restore(previous, own);
		}
	}

	private static <T> void subscribeRestoring(CorePublisher<? extends T> source, CoreSubscriber<? super T> actual,
			@Nullable RequestIdContext written, boolean serving) {
		if (written == null) {
			subscribeRestoringOwnContext(source, actual);
			return;
		}
		Context downstream = actual.currentContext();
		RequestIdContext own = serving ? written : RequestContextAccessor.current(downstream);
		// The wrapped chain sees the written context in its Reactor Context too, so that
		// a restoring source inside it restores that one, not the subscriber's.
		Context upstream = (downstream.getOrDefault(RequestContextAccessor.KEY, null) == written) ? downstream
				: downstream.put(RequestContextAccessor.KEY, written);
		RequestIdContext previous = RequestIdContextHolder.swap(written);
		try {
			source.subscribe(restoring(source, actual, own, written, upstream));
		}
		finally {
			restore(previous, written);
		}
	}

	private static <T> CoreSubscriber<T> restoring(CorePublisher<?> source, CoreSubscriber<? super T> actual,
			@Nullable RequestIdContext downstream, @Nullable RequestIdContext upstream, Context context) {
		if (source instanceof Fuseable) {
			return new RestoringFuseableSubscriber<>(actual, downstream, upstream, context);
		}
		return new RestoringSubscriber<>(actual, downstream, upstream, context);
	}

	private static void restore(@Nullable RequestIdContext previous, @Nullable RequestIdContext current) {
		// Signals mostly arrive on a thread that already holds the context: nothing to
		// undo.
		if (previous != current) {
			RequestIdContextHolder.set(previous);
		}
	}

	/**
	 * Marks the starter's own restoring publishers, so that the hooks never wrap them
	 * again.
	 */
	interface RestoringPublisher {

	}

	private static final class RestoringMono<T> extends MonoOperator<T, T> implements RestoringPublisher {

		private final @Nullable RequestIdContext context;

		private final boolean serving;

		RestoringMono(Mono<? extends T> source, @Nullable RequestIdContext context, boolean serving) {
			super(source);
			this.context = context;
			this.serving = serving;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			subscribeRestoring(this.source, actual, this.context, this.serving);
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			return (key == Attr.RUN_STYLE) ? Attr.RunStyle.SYNC : super.scanUnsafe(key);
		}

	}

	private static final class RestoringFlux<T> extends FluxOperator<T, T> implements RestoringPublisher {

		private final @Nullable RequestIdContext context;

		RestoringFlux(Flux<? extends T> source, @Nullable RequestIdContext context) {
			super(source);
			this.context = context;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			subscribeRestoring(this.source, actual, this.context, false);
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			return (key == Attr.RUN_STYLE) ? Attr.RunStyle.SYNC : super.scanUnsafe(key);
		}

	}

	private static final class RestoringConnectableFlux<T> extends ConnectableFlux<T>
			implements RestoringPublisher, Scannable {

		private final ConnectableFlux<T> source;

		RestoringConnectableFlux(ConnectableFlux<T> source) {
			this.source = source;
		}

		@Override
		public void connect(Consumer<? super Disposable> cancelSupport) {
			this.source.connect(cancelSupport);
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			subscribeRestoringOwnContext(this.source, actual);
		}

		@Override
		public int getPrefetch() {
			return this.source.getPrefetch();
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return this.source;
			}
			if (key == Attr.PREFETCH) {
				return getPrefetch();
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

	}

	/**
	 * Makes a context current around each signal, both ways: {@code downstream} around
	 * the signals to the subscriber, {@code upstream} around its requests and
	 * cancellation. Where the thread already holds it, that costs a thread-local read and
	 * writes no MDC.
	 */
	static class RestoringSubscriber<T> implements CoreSubscriber<T>, Subscription, Scannable {

		private final CoreSubscriber<? super T> actual;

		private final @Nullable RequestIdContext downstream;

		private final @Nullable RequestIdContext upstream;

		private final Context context;

		private @Nullable Subscription subscription;

		RestoringSubscriber(CoreSubscriber<? super T> actual, @Nullable RequestIdContext downstream,
				@Nullable RequestIdContext upstream, Context context) {
			this.actual = actual;
			this.downstream = downstream;
			this.upstream = upstream;
			this.context = context;
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.subscription, subscription)) {
				this.subscription = subscription;
				RequestIdContext previous = RequestIdContextHolder.swap(this.downstream);
				try {
					this.actual.onSubscribe(this);
				}
				finally {
					restore(previous, this.downstream);
				}
			}
		}

		@Override
		public void onNext(T value) {
			RequestIdContext previous = RequestIdContextHolder.swap(this.downstream);
			try {
				this.actual.onNext(value);
			}
			finally {
				restore(previous, this.downstream);
			}
		}

		@Override
		public void onError(Throwable error) {
			RequestIdContext previous = RequestIdContextHolder.swap(this.downstream);
			try {
				this.actual.onError(error);
			}
			finally {
				restore(previous, this.downstream);
			}
		}

		@Override
		public void onComplete() {
			RequestIdContext previous = RequestIdContextHolder.swap(this.downstream);
			try {
				this.actual.onComplete();
			}
			finally {
				restore(previous, this.downstream);
			}
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.subscription;
			if (subscription != null) {
				RequestIdContext previous = RequestIdContextHolder.swap(this.upstream);
				try {
					subscription.request(n);
				}
				finally {
					restore(previous, this.upstream);
				}
			}
		}

		@Override
		public void cancel() {
			Subscription subscription = this.subscription;
			if (subscription != null) {
				RequestIdContext previous = RequestIdContextHolder.swap(this.upstream);
				try {
					subscription.cancel();
				}
				finally {
					restore(previous, this.upstream);
				}
			}
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return this.subscription;
			}
			if (key == Attr.ACTUAL) {
				return this.actual;
			}
			if (key == Attr.RUN_STYLE) {
				return Attr.RunStyle.SYNC;
			}
			return null;
		}

	}

	/**
	 * A {@link RestoringSubscriber} handed to an operator that was built for a fuseable
	 * source and so expects a {@link Fuseable.QueueSubscription}: it refuses fusion, so
	 * every value still arrives through {@code onNext}, inside the context.
	 */
	static final class RestoringFuseableSubscriber<T> extends RestoringSubscriber<T>
			implements Fuseable.QueueSubscription<T> {

		RestoringFuseableSubscriber(CoreSubscriber<? super T> actual, @Nullable RequestIdContext downstream,
				@Nullable RequestIdContext upstream, Context context) {
			super(actual, downstream, upstream, context);
		}

		@Override
		public int requestFusion(int requestedMode) {
			return Fuseable.NONE;
		}

		@Override
		public @Nullable T poll() {
			return null;
		}

		@Override
		public int size() {
			return 0;
		}

		@Override
		public boolean isEmpty() {
			return true;
		}

		@Override
		public void clear() {
		}

	}

}
