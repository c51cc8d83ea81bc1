package dev.contextstarter.requestid.reactor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CorePublisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;

import org.springframework.util.Assert;

import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

/**
 * Puts a restoring step <em>between</em> an operator and its source, for a source that
 * never passed through the assembly hook (a sink, a library's {@code Mono}/{@code Flux},
 * a source assembled before the hook was installed): the operator's own step (the
 * function of a {@code map}, say) then runs in its subscriber's context too.
 * <p>
 * Reactor offers no public way to reach an assembled operator's source subscription, so
 * this does what {@code Flux.subscribe} does with its package-private
 * {@code OptimizableOperator}: ask the operator for the subscriber it would give its
 * source ({@code subscribeOrReturn}), and subscribe the source with that subscriber
 * behind a restoring one. Reactor's automatic propagation wraps the same place
 * ({@code Operators.restoreContextOnSubscriberIfPublisherNonInternal}). Where that
 * interface cannot be reached (a future Reactor, a sealed module), or the operator is not
 * one, the restoring step goes after the operator instead, which leaves only that
 * operator's own step in the signalling thread's context; a warning says so once.
 */
final class SourceRestoringOperator {

	private static final Logger logger = LoggerFactory.getLogger(SourceRestoringOperator.class);

	private static final @Nullable Class<?> OPTIMIZABLE_OPERATOR;

	/** {@code (Object operator, CoreSubscriber actual) -> CoreSubscriber}, or null. */
	private static final @Nullable MethodHandle SUBSCRIBE_OR_RETURN;

	/** {@code (Object operator) -> CorePublisher}, or null. */
	private static final @Nullable MethodHandle SOURCE;

	static {
		Class<?> type = null;
		MethodHandle subscribeOrReturn = null;
		MethodHandle source = null;
		try {
			type = Class.forName("reactor.core.publisher.OptimizableOperator", false, Flux.class.getClassLoader());
			subscribeOrReturn = handle(type.getMethod("subscribeOrReturn", CoreSubscriber.class),
					MethodType.methodType(CoreSubscriber.class, Object.class, CoreSubscriber.class));
			source = handle(type.getMethod("source"), MethodType.methodType(CorePublisher.class, Object.class));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			type = null;
			subscribeOrReturn = null;
			source = null;
			logger.warn("Reactor's OptimizableOperator is out of reach (" + ex
					+ "): after a sink or a library's publisher, the first operator's own step runs in the "
					+ "signalling thread's request context rather than its subscriber's");
		}
		OPTIMIZABLE_OPERATOR = type;
		SUBSCRIBE_OR_RETURN = subscribeOrReturn;
		SOURCE = source;
	}

	private SourceRestoringOperator() {
	}

	private static MethodHandle handle(Method method, MethodType type) throws IllegalAccessException {
		method.setAccessible(true);
		return MethodHandles.lookup().unreflect(method).asType(type);
	}

	/**
	 * Restore the subscriber's context between {@code operator} and its source.
	 * @param operator an operator whose source may signal from another context (a
	 * {@code Publisher}, typed as the assembly hook gets it)
	 * @return the operator to use in its place
	 */
	@SuppressWarnings("unchecked")
	static Object restoreBelow(Object operator) {
		Class<?> optimizable = OPTIMIZABLE_OPERATOR;
		if (optimizable == null || !optimizable.isInstance(operator)) {
			return RequestContextHooks.restoring(operator);
		}
		if (operator instanceof Mono<?> mono) {
			return new BelowMono<>((Mono<Object>) mono);
		}
		if (operator instanceof Flux<?> flux) {
			return new BelowFlux<>((Flux<Object>) flux);
		}
		return operator;
	}

	@SuppressWarnings("unchecked")
	private static <T> void subscribe(CorePublisher<T> operator, CoreSubscriber<? super T> actual) {
		MethodHandle subscribeOrReturn = SUBSCRIBE_OR_RETURN;
		MethodHandle sourceOf = SOURCE;
		// Only BelowMono and BelowFlux call this, and restoreBelow makes them only once
		// the handles resolved.
		Assert.state(subscribeOrReturn != null && sourceOf != null, "OptimizableOperator is out of reach");
		CoreSubscriber<Object> toSource;
		CorePublisher<Object> source;
		try {
			toSource = (CoreSubscriber<Object>) subscribeOrReturn.invokeExact((Object) operator,
					(CoreSubscriber<?>) actual);
			if (toSource == null) {
				// The operator subscribed to its source itself.
				return;
			}
			source = (CorePublisher<Object>) sourceOf.invokeExact((Object) operator);
		}
		catch (Throwable ex) {
			Operators.reportThrowInSubscribe(actual, ex);
			return;
		}
		RequestContextRestoring.subscribeRestoringOwnContext(source, toSource);
	}

	private static final class BelowMono<T> extends MonoOperator<T, T> implements RestoringPublisher {

		BelowMono(Mono<T> operator) {
			super(operator);
		}

		@Override
		@SuppressWarnings("unchecked")
		public void subscribe(CoreSubscriber<? super T> actual) {
			SourceRestoringOperator.subscribe((CorePublisher<T>) this.source, actual);
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			return (key == Attr.RUN_STYLE) ? Attr.RunStyle.SYNC : super.scanUnsafe(key);
		}

	}

	private static final class BelowFlux<T> extends FluxOperator<T, T> implements RestoringPublisher {

		BelowFlux(Flux<T> operator) {
			super(operator);
		}

		@Override
		@SuppressWarnings("unchecked")
		public void subscribe(CoreSubscriber<? super T> actual) {
			SourceRestoringOperator.subscribe((CorePublisher<T>) this.source, actual);
		}

		@Override
		public @Nullable Object scanUnsafe(Attr key) {
			return (key == Attr.RUN_STYLE) ? Attr.RunStyle.SYNC : super.scanUnsafe(key);
		}

	}

}
