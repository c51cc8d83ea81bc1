package dev.contextstarter.requestid.reactor;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CorePublisher;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.util.context.Context;

import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;

/**
 * Publishers that make a request context current around everything that crosses them: the
 * subscription, every signal going down ({@code onNext}, {@code onError},
 * {@code onComplete}) and every signal going up ({@code request}, {@code cancel}).
 * <p>
 * Placed where signals arrive on threads that no Reactor scheduler handed over, such as a
 * Netty event loop delivering a request body or a {@code WebClient} response, or a
 * {@code CompletableFuture} completed by a foreign pool. Every operator downstream runs
 * synchronously inside that signal, so it sees the context (and the MDC) too; a thread hop
 * further down is carried by {@link RequestContextHooks#decorateTask(Runnable)}.
 */
public final class RequestContextRestoring {

	private RequestContextRestoring() {
	}

	/**
	 * Restore {@code context} around every signal of {@code source}.
	 * @param <T> the element type
	 * @param source the source
	 * @param context the context to restore
	 * @return the restoring {@code Mono}
	 */
	public static <T> Mono<T> mono(Mono<T> source, RequestContext context) {
		return new RestoringMono<>(source, context);
	}

	/**
	 * Restore {@code context} around every signal of {@code source}.
	 * @param <T> the element type
	 * @param source the source
	 * @param context the context to restore
	 * @return the restoring {@code Flux}
	 */
	public static <T> Flux<T> flux(Flux<T> source, RequestContext context) {
		return new RestoringFlux<>(source, context);
	}

	/**
	 * Restore the subscriber's context around every signal of {@code source}: the one in its
	 * Reactor {@code Context} or, failing that, the one current on the subscribing thread.
	 * Subscriptions without any context pass through untouched.
	 * @param <T> the element type
	 * @param source the source
	 * @return the restoring {@code Mono}
	 */
	public static <T> Mono<T> mono(Mono<T> source) {
		return new RestoringMono<>(source, null);
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

	private static <T> void subscribeRestoring(CorePublisher<? extends T> source, CoreSubscriber<? super T> actual,
			@Nullable RequestContext fixed) {
		RequestContext restored = contextOf(actual, fixed);
		if (restored == null) {
			source.subscribe(actual);
			return;
		}
		RequestContext previous = RequestContextHolder.swap(restored);
		try {
			source.subscribe(new RestoringSubscriber<>(actual, restored));
		}
		finally {
			RequestContextHolder.set(previous);
		}
	}

	private static @Nullable RequestContext contextOf(CoreSubscriber<?> subscriber, @Nullable RequestContext fixed) {
		if (fixed != null) {
			return fixed;
		}
		return RequestContextAccessor.current(subscriber.currentContext());
	}

	private static final class RestoringMono<T> extends MonoOperator<T, T> {

		private final @Nullable RequestContext context;

		RestoringMono(Mono<? extends T> source, @Nullable RequestContext context) {
			super(source);
			this.context = context;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			subscribeRestoring(this.source, actual, this.context);
		}

	}

	private static final class RestoringFlux<T> extends FluxOperator<T, T> {

		private final @Nullable RequestContext context;

		RestoringFlux(Flux<? extends T> source, @Nullable RequestContext context) {
			super(source);
			this.context = context;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			subscribeRestoring(this.source, actual, this.context);
		}

	}

	/**
	 * Makes the context current around each signal, both ways. Where the thread already holds
	 * it, that costs a thread-local read and writes no MDC.
	 */
	static final class RestoringSubscriber<T> implements CoreSubscriber<T>, Subscription, Scannable {

		private final CoreSubscriber<? super T> actual;

		private final RequestContext context;

		private @Nullable Subscription upstream;

		RestoringSubscriber(CoreSubscriber<? super T> actual, RequestContext context) {
			this.actual = actual;
			this.context = context;
		}

		private void restore(@Nullable RequestContext previous) {
			// Signals mostly arrive on a thread that already holds the context: nothing to undo.
			if (previous != this.context) {
				RequestContextHolder.set(previous);
			}
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			RequestContext previous = RequestContextHolder.swap(this.context);
			try {
				this.actual.onSubscribe(this);
			}
			finally {
				restore(previous);
			}
		}

		@Override
		public void onNext(T value) {
			RequestContext previous = RequestContextHolder.swap(this.context);
			try {
				this.actual.onNext(value);
			}
			finally {
				restore(previous);
			}
		}

		@Override
		public void onError(Throwable error) {
			RequestContext previous = RequestContextHolder.swap(this.context);
			try {
				this.actual.onError(error);
			}
			finally {
				restore(previous);
			}
		}

		@Override
		public void onComplete() {
			RequestContext previous = RequestContextHolder.swap(this.context);
			try {
				this.actual.onComplete();
			}
			finally {
				restore(previous);
			}
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				RequestContext previous = RequestContextHolder.swap(this.context);
				try {
					subscription.request(n);
				}
				finally {
					restore(previous);
				}
			}
		}

		@Override
		public void cancel() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				RequestContext previous = RequestContextHolder.swap(this.context);
				try {
					subscription.cancel();
				}
				finally {
					restore(previous);
				}
			}
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			if (key == Attr.PARENT) {
				return this.upstream;
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

}
