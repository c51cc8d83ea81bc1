package dev.contextstarter.requestid.reactor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

import dev.contextstarter.requestid.reactor.RequestContextRestoring.RestoringPublisher;

/**
 * Lets the assembly hook leave out the restoring step after the operators that subscribe
 * to publishers handed to them ({@code then}, {@code flatMap}, {@code defer} ...) where
 * it can tell that every publisher such an operator will subscribe to delivers in its
 * subscriber's context. On a WebFlux request path there are about thirty of these
 * operators per request, and a step after each costs a publisher, a subscriber, two
 * context switches per signal, Reactor's fusion and the merging of {@code then} chains.
 * <ul>
 * <li>Operators given their publishers at assembly ({@code then}, {@code concat},
 * {@code switchIfEmpty}, {@code zip}) are checked there: when every one of them is known,
 * the operator gets a pass-through publisher instead of a step (no subscriber, no signal
 * crosses it), which still keeps Reactor from merging the next {@code then} into it out
 * of the hook's sight.</li>
 * <li>Operators that get their publishers from a function at run time
 * ({@code Mono.flatMap}, {@code onErrorResume}, {@code defer}, {@code deferContextual},
 * {@code Flux.concatMap}) are rebuilt around the same function, guarded: each publisher
 * it returns gets a restoring step only when it is not known to deliver in its
 * subscriber's context (a sink, a library's publisher, a chain assembled before the
 * hooks).</li>
 * </ul>
 * Reactor offers no public way to reach these operators' publishers or functions, so this
 * reads their fields and calls their constructors through method handles. Where that
 * cannot be done (another Reactor version, a sealed module), the operator keeps its
 * restoring step, as before; a line at DEBUG says so.
 */
final class InnerOperators {

	private static final Logger logger = LoggerFactory.getLogger(InnerOperators.class);

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	/** The handles that stand for ones out of reach. */
	private static final Set<MethodHandle> MISSING = ConcurrentHashMap.newKeySet();

	// Static final, so that the JIT compiles each call through them like a direct call.

	private static final MethodHandle MONO_FLAT_MAP_MAPPER = getter("MonoFlatMap", "mapper");

	private static final MethodHandle MONO_FLAT_MAP_NEW = constructor("MonoFlatMap", Mono.class, Function.class);

	private static final MethodHandle MONO_ON_ERROR_RESUME_FACTORY = getter("MonoOnErrorResume", "nextFactory");

	private static final MethodHandle MONO_ON_ERROR_RESUME_NEW = constructor("MonoOnErrorResume", Mono.class,
			Function.class);

	private static final MethodHandle MONO_DEFER_SUPPLIER = getter("MonoDefer", "supplier");

	private static final MethodHandle MONO_DEFER_NEW = constructor("MonoDefer", Supplier.class);

	private static final MethodHandle MONO_DEFER_CONTEXTUAL_FACTORY = getter("MonoDeferContextual",
			"contextualMonoFactory");

	private static final MethodHandle MONO_DEFER_CONTEXTUAL_NEW = constructor("MonoDeferContextual", Function.class);

	private static final MethodHandle CONCAT_MAP_MAPPER = getter("FluxConcatMapNoPrefetch", "mapper");

	private static final MethodHandle CONCAT_MAP_ERROR_MODE = getter("FluxConcatMapNoPrefetch", "errorMode");

	private static final MethodHandle CONCAT_MAP_NEW = constructor("FluxConcatMapNoPrefetch", Flux.class,
			Function.class, "FluxConcatMap$ErrorMode");

	private static final MethodHandle IGNORE_THEN_IGNORED = getter("MonoIgnoreThen", "ignore");

	private static final MethodHandle IGNORE_THEN_LAST = getter("MonoIgnoreThen", "last");

	private static final MethodHandle CONCAT_ARRAY_SOURCES = getter("FluxConcatArray", "array");

	private static final MethodHandle ZIP_SOURCES = getter("MonoZip", "sources");

	private static final MethodHandle SWITCH_IF_EMPTY_OTHER = getter("MonoSwitchIfEmpty", "other");

	private InnerOperators() {
	}

	/**
	 * What the hook can do with an inner-subscribing operator class.
	 * @param simpleName the class's simple name, in Reactor's publisher package
	 * @return the operator's handling, or {@code null} when it keeps its restoring step
	 */
	static @Nullable InnerOperator of(String simpleName) {
		InnerOperator operator = switch (simpleName) {
			case "MonoFlatMap" -> InnerOperator.MONO_FLAT_MAP;
			case "MonoOnErrorResume" -> InnerOperator.MONO_ON_ERROR_RESUME;
			case "MonoDefer" -> InnerOperator.MONO_DEFER;
			case "MonoDeferContextual" -> InnerOperator.MONO_DEFER_CONTEXTUAL;
			case "FluxConcatMapNoPrefetch" -> InnerOperator.CONCAT_MAP;
			case "MonoIgnoreThen" -> InnerOperator.IGNORE_THEN;
			case "FluxConcatArray" -> InnerOperator.CONCAT_ARRAY;
			case "MonoZip" -> InnerOperator.ZIP;
			case "MonoSwitchIfEmpty" -> InnerOperator.SWITCH_IF_EMPTY;
			default -> null;
		};
		return (operator != null && operator.reachable()) ? operator : null;
	}

	/**
	 * Whether {@code type} is one of Reactor's own publisher classes.
	 * @param type the class
	 * @return whether it is in Reactor's publisher package
	 */
	static boolean isReactors(Class<?> type) {
		return type.getName().startsWith(REACTOR_PACKAGE);
	}

	/** {@code (Object operator) -> Object field}. */
	private static MethodHandle getter(String type, String field) {
		try {
			Class<?> operator = Class.forName(REACTOR_PACKAGE + type, false, Flux.class.getClassLoader());
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(operator, MethodHandles.lookup());
			return lookup.unreflectGetter(operator.getDeclaredField(field))
				.asType(MethodType.methodType(Object.class, Object.class));
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return missing(type, ex, MethodType.methodType(Object.class, Object.class));
		}
	}

	/**
	 * {@code (parameters...) -> Object operator}; a parameter given by name is passed as
	 * Object.
	 */
	private static MethodHandle constructor(String type, Object... parameters) {
		Class<?>[] declared = new Class<?>[parameters.length];
		Class<?>[] passed = new Class<?>[parameters.length];
		try {
			ClassLoader loader = Flux.class.getClassLoader();
			for (int i = 0; i < parameters.length; i++) {
				boolean named = parameters[i] instanceof String;
				declared[i] = named ? Class.forName(REACTOR_PACKAGE + parameters[i], false, loader)
						: (Class<?>) parameters[i];
				passed[i] = named ? Object.class : declared[i];
			}
			Class<?> operator = Class.forName(REACTOR_PACKAGE + type, false, loader);
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(operator, MethodHandles.lookup());
			return lookup.findConstructor(operator, MethodType.methodType(void.class, declared))
				.asType(MethodType.methodType(Object.class, passed));
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			for (int i = 0; i < parameters.length; i++) {
				passed[i] = (parameters[i] instanceof Class<?> parameter) ? parameter : Object.class;
			}
			return missing(type, ex, MethodType.methodType(Object.class, passed));
		}
	}

	/** A handle that returns null, standing for one out of reach. */
	private static MethodHandle missing(String type, Throwable ex, MethodType methodType) {
		logger.debug("Reactor's {} keeps a restoring step after it: it is out of reach ({})", type, ex.toString());
		MethodHandle missing = MethodHandles
			.dropArguments(MethodHandles.zero(Object.class), 0, methodType.parameterList())
			.asType(methodType);
		MISSING.add(missing);
		return missing;
	}

	private static boolean found(MethodHandle... handles) {
		for (MethodHandle handle : handles) {
			if (MISSING.contains(handle)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Reactor's inner-subscribing operators that the hook knows how to handle without a
	 * restoring step after them.
	 */
	enum InnerOperator {

		/** {@code Mono.flatMap}: rebuilt around its guarded function. */
		MONO_FLAT_MAP {

			@Override
			Object function(Object operator) throws Throwable {
				return (Object) MONO_FLAT_MAP_MAPPER.invokeExact(operator);
			}

			@Override
			@Nullable Object rebuild(Object operator, Object function) throws Throwable {
				Object source = seenSource(operator);
				return (source != null)
						? (Object) MONO_FLAT_MAP_NEW.invokeExact((Mono<?>) source, (Function<?, ?>) function) : null;
			}

			@Override
			boolean reachable() {
				return found(MONO_FLAT_MAP_MAPPER, MONO_FLAT_MAP_NEW);
			}

		},

		/** {@code Mono.onErrorResume}: rebuilt around its guarded function. */
		MONO_ON_ERROR_RESUME {

			@Override
			Object function(Object operator) throws Throwable {
				return (Object) MONO_ON_ERROR_RESUME_FACTORY.invokeExact(operator);
			}

			@Override
			@Nullable Object rebuild(Object operator, Object function) throws Throwable {
				Object source = seenSource(operator);
				return (source != null)
						? (Object) MONO_ON_ERROR_RESUME_NEW.invokeExact((Mono<?>) source, (Function<?, ?>) function)
						: null;
			}

			@Override
			boolean reachable() {
				return found(MONO_ON_ERROR_RESUME_FACTORY, MONO_ON_ERROR_RESUME_NEW);
			}

		},

		/** {@code Mono.defer}: rebuilt around its guarded supplier. */
		MONO_DEFER {

			@Override
			Object function(Object operator) throws Throwable {
				return (Object) MONO_DEFER_SUPPLIER.invokeExact(operator);
			}

			@Override
			@Nullable Object rebuild(Object operator, Object function) throws Throwable {
				return (Object) MONO_DEFER_NEW.invokeExact((Supplier<?>) function);
			}

			@Override
			boolean reachable() {
				return found(MONO_DEFER_SUPPLIER, MONO_DEFER_NEW);
			}

		},

		/** {@code Mono.deferContextual}: rebuilt around its guarded function. */
		MONO_DEFER_CONTEXTUAL {

			@Override
			Object function(Object operator) throws Throwable {
				return (Object) MONO_DEFER_CONTEXTUAL_FACTORY.invokeExact(operator);
			}

			@Override
			@Nullable Object rebuild(Object operator, Object function) throws Throwable {
				return (Object) MONO_DEFER_CONTEXTUAL_NEW.invokeExact((Function<?, ?>) function);
			}

			@Override
			boolean reachable() {
				return found(MONO_DEFER_CONTEXTUAL_FACTORY, MONO_DEFER_CONTEXTUAL_NEW);
			}

		},

		/**
		 * {@code Flux.concatMap} without prefetch: rebuilt around its guarded function.
		 */
		CONCAT_MAP {

			@Override
			Object function(Object operator) throws Throwable {
				return (Object) CONCAT_MAP_MAPPER.invokeExact(operator);
			}

			@Override
			@Nullable Object rebuild(Object operator, Object function) throws Throwable {
				Object source = seenSource(operator);
				return (source != null) ? (Object) CONCAT_MAP_NEW.invokeExact((Flux<?>) source,
						(Function<?, ?>) function, (Object) CONCAT_MAP_ERROR_MODE.invokeExact(operator)) : null;
			}

			@Override
			boolean reachable() {
				return found(CONCAT_MAP_MAPPER, CONCAT_MAP_ERROR_MODE, CONCAT_MAP_NEW);
			}

		},

		/** {@code Mono.then}: its publishers checked at assembly. */
		IGNORE_THEN {

			@Override
			boolean publishersDeliver(Object operator) throws Throwable {
				return allDeliver((Object[]) (Object) IGNORE_THEN_IGNORED.invokeExact(operator))
						&& deliver((Object) IGNORE_THEN_LAST.invokeExact(operator));
			}

			@Override
			boolean reachable() {
				return found(IGNORE_THEN_IGNORED, IGNORE_THEN_LAST);
			}

		},

		/** {@code Flux.concat} of an array: its publishers checked at assembly. */
		CONCAT_ARRAY {

			@Override
			boolean publishersDeliver(Object operator) throws Throwable {
				return allDeliver((Object[]) (Object) CONCAT_ARRAY_SOURCES.invokeExact(operator));
			}

			@Override
			boolean reachable() {
				return found(CONCAT_ARRAY_SOURCES);
			}

		},

		/** {@code Mono.zip} of an array: its publishers checked at assembly. */
		ZIP {

			@Override
			boolean publishersDeliver(Object operator) throws Throwable {
				return allDeliver((Object[]) (Object) ZIP_SOURCES.invokeExact(operator));
			}

			@Override
			boolean reachable() {
				return found(ZIP_SOURCES);
			}

		},

		/** {@code Mono.switchIfEmpty}: its source and fallback checked at assembly. */
		SWITCH_IF_EMPTY {

			@Override
			boolean publishersDeliver(Object operator) throws Throwable {
				return deliver(source(operator)) && deliver((Object) SWITCH_IF_EMPTY_OTHER.invokeExact(operator));
			}

			@Override
			boolean reachable() {
				return found(SWITCH_IF_EMPTY_OTHER);
			}

		};

		/**
		 * The publisher to use in place of {@code operator}, with no restoring step after
		 * it.
		 * @param operator the assembled operator, of this class
		 * @return the publisher, or {@code null} when the operator needs its step
		 */
		@Nullable Publisher<Object> withoutStep(Publisher<Object> operator) {
			try {
				if (!isGuarded()) {
					return publishersDeliver(operator) ? checked(operator) : null;
				}
				Object function = function(operator);
				if (function instanceof Guarded) {
					return operator;
				}
				// Null when its source never passed through the hook: then it keeps its
				// step.
				Object rebuilt = rebuild(operator, (function instanceof Supplier<?> supplier)
						? new GuardedSupplier(supplier) : new GuardedFunction(asFunction(function)));
				return (rebuilt != null) ? publisher(rebuilt) : null;
			}
			catch (Throwable ex) {
				logger.debug("Reactor's {} keeps a restoring step ({})", operator.getClass().getSimpleName(),
						ex.toString());
				return null;
			}
		}

		/**
		 * Whether an instance met outside the hook (as the source or the inner publisher
		 * of another operator) delivers in its subscriber's context. A checked operator
		 * always sits behind a pass-through publisher; one met on its own was assembled
		 * before the hooks, or merged by Reactor out of the hook's sight.
		 * @param operator an instance of this class
		 * @return whether it does
		 */
		boolean delivers(Object operator) {
			try {
				return isGuarded() && function(operator) instanceof Guarded;
			}
			catch (Throwable ex) {
				return false;
			}
		}

		private boolean isGuarded() {
			return ordinal() <= CONCAT_MAP.ordinal();
		}

		Object function(Object operator) throws Throwable {
			throw new UnsupportedOperationException();
		}

		@Nullable Object rebuild(Object operator, Object function) throws Throwable {
			throw new UnsupportedOperationException();
		}

		boolean publishersDeliver(Object operator) throws Throwable {
			throw new UnsupportedOperationException();
		}

		abstract boolean reachable();

		private static @Nullable Object source(Object operator) {
			return RequestContextHooks.parentOf(operator);
		}

		/**
		 * The operator's source, or null when it never passed through the hook: then it
		 * keeps its step.
		 */
		private static @Nullable Object seenSource(Object operator) {
			Object source = source(operator);
			return (source == null || RequestContextHooks.isUnseen(source, false)) ? null : source;
		}

		private static boolean deliver(@Nullable Object publisher) {
			Publisher<?> candidate = RequestContextHooks.asPublisher(publisher);
			return candidate != null && RequestContextHooks.delivers(candidate);
		}

		private static boolean allDeliver(Object @Nullable [] publishers) {
			if (publishers == null) {
				return false;
			}
			for (Object publisher : publishers) {
				if (!deliver(publisher)) {
					return false;
				}
			}
			return true;
		}

		@SuppressWarnings("unchecked")
		private static Function<Object, ?> asFunction(Object function) {
			return (Function<Object, ?>) function;
		}

		@SuppressWarnings("unchecked")
		private static Publisher<Object> publisher(Object publisher) {
			// A class cast, not one to the Publisher interface (see
			// RequestContextHooks.parentOf).
			return (publisher instanceof Mono<?> mono) ? (Mono<Object>) mono : (Flux<Object>) publisher;
		}

		private static @Nullable Publisher<Object> checked(Publisher<Object> operator) {
			if (operator instanceof Mono<Object> mono) {
				return new CheckedMono<>(mono);
			}
			return (operator instanceof Flux<Object> flux) ? new CheckedFlux<>(flux) : null;
		}

	}

	/**
	 * Marks the functions and suppliers this class guarded: a class, checked as fast as
	 * one.
	 */
	abstract static class Guarded {

	}

	private static final class GuardedFunction extends Guarded implements Function<Object, @Nullable Object> {

		private final Function<Object, ?> delegate;

		GuardedFunction(Function<Object, ?> delegate) {
			this.delegate = delegate;
		}

		@Override
		public @Nullable Object apply(Object value) {
			return RequestContextHooks.delivering(this.delegate.apply(value));
		}

	}

	private static final class GuardedSupplier extends Guarded implements Supplier<@Nullable Object> {

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
	 * Stands for a checked operator: its subscriber subscribes to the operator directly,
	 * so no signal crosses it.
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
