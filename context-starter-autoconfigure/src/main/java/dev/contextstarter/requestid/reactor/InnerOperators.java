package dev.contextstarter.requestid.reactor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

/**
 * Lets the assembly hook leave out the restoring step after the operators that subscribe to
 * publishers handed to them ({@code then}, {@code flatMap}, {@code defer} ...) where it can tell
 * that every publisher such an operator will subscribe to delivers in its subscriber's context.
 * On a WebFlux request path there are about thirty of these operators per request, and a step
 * after each costs a publisher, a subscriber, two context switches per signal, Reactor's
 * fusion and the merging of {@code then} chains.
 * <ul>
 * <li>Operators given their publishers at assembly ({@code then}, {@code concat},
 * {@code switchIfEmpty}, {@code zip}) are checked there: when every one of them is known, the
 * operator gets a pass-through publisher instead of a step (no subscriber, no signal crosses
 * it), which still keeps Reactor from merging the next {@code then} into it out of the hook's
 * sight.</li>
 * <li>Operators that get their publishers from a function at run time ({@code flatMap},
 * {@code onErrorResume}, {@code defer}, {@code deferContextual}) are rebuilt around the same
 * function, guarded: each publisher it returns gets a restoring step only when it is not known
 * to deliver in its subscriber's context (a sink, a library's publisher, a chain assembled
 * before the hooks).</li>
 * </ul>
 * Reactor offers no public way to reach these operators' publishers or functions, so this
 * reads their fields and calls their constructors through method handles. Where that cannot
 * be done (another Reactor version, a sealed module), the operator keeps its restoring step,
 * as before; a line at DEBUG says so.
 */
final class InnerOperators {

	private static final Log logger = LogFactory.getLog(InnerOperators.class);

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	private InnerOperators() {
	}

	/**
	 * What the hook can do with an inner-subscribing operator class.
	 * @param simpleName the class's simple name, in Reactor's publisher package
	 * @param type the class
	 * @return the operator's handling, or {@code null} when it keeps its restoring step
	 */
	static @Nullable InnerOperator of(String simpleName, Class<?> type) {
		try {
			return switch (simpleName) {
				case "MonoFlatMap", "MonoOnErrorResume" -> new GuardedOperator(type,
						getter(type, (simpleName.equals("MonoFlatMap") ? "mapper" : "nextFactory"), Object.class),
						constructor(type, Mono.class, Function.class));
				case "MonoDefer" -> new GuardedOperator(type, getter(type, "supplier", Object.class),
						constructor(type, Supplier.class));
				case "MonoDeferContextual" -> new GuardedOperator(type,
						getter(type, "contextualMonoFactory", Object.class), constructor(type, Function.class));
				case "MonoIgnoreThen" -> new CheckedOperator(getter(type, "ignore", Object[].class),
						getter(type, "last", Object.class), false);
				case "FluxConcatArray" -> new CheckedOperator(getter(type, "array", Object[].class), null, false);
				case "MonoZip" -> new CheckedOperator(getter(type, "sources", Object[].class), null, false);
				case "MonoSwitchIfEmpty" -> new CheckedOperator(null, getter(type, "other", Object.class), true);
				default -> null;
			};
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("Reactor's " + simpleName + " keeps a restoring step after it: its publishers are out of reach ("
					+ ex + ")");
			return null;
		}
	}

	/**
	 * Whether {@code type} is one of Reactor's own publisher classes.
	 * @param type the class
	 * @return whether it is in Reactor's publisher package
	 */
	static boolean isReactors(Class<?> type) {
		return type.getName().startsWith(REACTOR_PACKAGE);
	}

	private static MethodHandle getter(Class<?> type, String field, Class<?> as) throws ReflectiveOperationException {
		MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
		return lookup.unreflectGetter(type.getDeclaredField(field)).asType(MethodType.methodType(as, Object.class));
	}

	private static MethodHandle constructor(Class<?> type, Class<?>... parameters) throws ReflectiveOperationException {
		MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
		return lookup.findConstructor(type, MethodType.methodType(void.class, parameters))
			.asType(MethodType.methodType(Object.class, parameters));
	}

	/**
	 * An inner-subscribing operator class the hook knows how to handle without a restoring
	 * step.
	 */
	abstract static sealed class InnerOperator permits GuardedOperator, CheckedOperator {

		/**
		 * The publisher to use in place of {@code operator}, with no restoring step after it.
		 * @param operator the assembled operator
		 * @return the publisher, or {@code null} when the operator needs its step
		 */
		abstract @Nullable Publisher<Object> withoutStep(Publisher<Object> operator);

		/**
		 * Whether an instance met outside the hook (as the source or the inner publisher of
		 * another operator) delivers in its subscriber's context.
		 * @param operator an instance of this class
		 * @return whether it does
		 */
		abstract boolean delivers(Object operator);

	}

	/**
	 * An operator whose publishers come from a function: rebuilt around the function,
	 * guarded.
	 */
	static final class GuardedOperator extends InnerOperator {

		private final Class<?> type;

		/** {@code (Object operator) -> Object function}. */
		private final MethodHandle function;

		/** {@code (Mono source, Function f) -> Object}, or {@code (Supplier|Function f) -> Object}. */
		private final MethodHandle constructor;

		GuardedOperator(Class<?> type, MethodHandle function, MethodHandle constructor) {
			this.type = type;
			this.function = function;
			this.constructor = constructor;
		}

		@Override
		@SuppressWarnings("unchecked")
		@Nullable Publisher<Object> withoutStep(Publisher<Object> operator) {
			try {
				Object function = this.function.invokeExact((Object) operator);
				if (function instanceof Guarded) {
					return operator;
				}
				Object rebuilt;
				if (function instanceof Supplier<?> supplier) {
					rebuilt = (Object) this.constructor.invokeExact((Supplier<?>) new GuardedSupplier(supplier));
				}
				else if (this.constructor.type().parameterCount() == 1) {
					rebuilt = (Object) this.constructor
						.invokeExact((Function<?, ?>) new GuardedFunction((Function<Object, ?>) function));
				}
				else {
					Mono<?> source = (Mono<?>) ((Scannable) operator).scanUnsafe(Scannable.Attr.PARENT);
					rebuilt = (Object) this.constructor.invokeExact(source,
							(Function<?, ?>) new GuardedFunction((Function<Object, ?>) function));
				}
				return (Publisher<Object>) rebuilt;
			}
			catch (Throwable ex) {
				logger.debug("Reactor's " + this.type.getSimpleName() + " could not be rebuilt (" + ex + ")");
				return null;
			}
		}

		@Override
		boolean delivers(Object operator) {
			try {
				return this.function.invokeExact(operator) instanceof Guarded;
			}
			catch (Throwable ex) {
				return false;
			}
		}

	}

	/**
	 * An operator given its publishers at assembly: checked there.
	 */
	static final class CheckedOperator extends InnerOperator {

		/** {@code (Object operator) -> Object[] publishers}, or null. */
		private final @Nullable MethodHandle publishers;

		/** {@code (Object operator) -> Object publisher}, or null. */
		private final @Nullable MethodHandle publisher;

		private final boolean source;

		CheckedOperator(@Nullable MethodHandle publishers, @Nullable MethodHandle publisher, boolean source) {
			this.publishers = publishers;
			this.publisher = publisher;
			this.source = source;
		}

		@Override
		@Nullable Publisher<Object> withoutStep(Publisher<Object> operator) {
			if (!deliverAll(operator)) {
				return null;
			}
			if (operator instanceof Mono<Object> mono) {
				return new CheckedMono<>(mono);
			}
			return (operator instanceof Flux<Object> flux) ? new CheckedFlux<>(flux) : null;
		}

		/**
		 * A checked operator always sits behind a pass-through publisher; one met on its own
		 * was assembled before the hooks, or merged by Reactor out of the hook's sight.
		 */
		@Override
		boolean delivers(Object operator) {
			return false;
		}

		private boolean deliverAll(Object operator) {
			try {
				if (this.publishers != null) {
					Object[] all = (Object[]) this.publishers.invokeExact(operator);
					if (all == null) {
						return false;
					}
					for (Object each : all) {
						if (!(each instanceof Publisher<?> publisher) || !RequestContextHooks.delivers(publisher)) {
							return false;
						}
					}
				}
				if (this.publisher != null && !(this.publisher.invokeExact(operator) instanceof Publisher<?> one
						&& RequestContextHooks.delivers(one))) {
					return false;
				}
				return !this.source || (((Scannable) operator).scanUnsafe(Scannable.Attr.PARENT) instanceof Publisher<?> parent
						&& RequestContextHooks.delivers(parent));
			}
			catch (Throwable ex) {
				return false;
			}
		}

	}

	/** Marks the functions and suppliers this class guarded. */
	interface Guarded {

	}

	private static final class GuardedFunction implements Function<Object, @Nullable Object>, Guarded {

		private final Function<Object, ?> delegate;

		GuardedFunction(Function<Object, ?> delegate) {
			this.delegate = delegate;
		}

		@Override
		public @Nullable Object apply(Object value) {
			return RequestContextHooks.delivering(this.delegate.apply(value));
		}

	}

	private static final class GuardedSupplier implements Supplier<@Nullable Object>, Guarded {

		private final Supplier<?> delegate;

		GuardedSupplier(Supplier<?> delegate) {
			this.delegate = delegate;
		}

		@Override
		public @Nullable Object get() {
			return RequestContextHooks.delivering(this.delegate.get());
		}

	}

	/**
	 * Stands for a checked operator: its subscriber subscribes to the operator directly, so no
	 * signal crosses it.
	 */
	private static final class CheckedMono<T> extends MonoOperator<T, T> implements RestoringPublisher {

		CheckedMono(Mono<T> operator) {
			super(operator);
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.source.subscribe(actual);
		}

	}

	private static final class CheckedFlux<T> extends FluxOperator<T, T> implements RestoringPublisher {

		CheckedFlux(Flux<T> operator) {
			super(operator);
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.source.subscribe(actual);
		}

	}

}
