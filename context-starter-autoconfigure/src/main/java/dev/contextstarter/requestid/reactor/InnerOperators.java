package dev.contextstarter.requestid.reactor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
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
 * reads their fields and calls their constructors through method handles; it reads the
 * source of any of Reactor's operators the same way ({@link #sourceOf(Object)}). Where
 * that cannot be done (another Reactor version, a sealed module), the operator keeps its
 * restoring step, as before; a line at DEBUG says so.
 */
final class InnerOperators {

	private static final Logger logger = LoggerFactory.getLogger(InnerOperators.class);

	private static final String REACTOR_PACKAGE = "reactor.core.publisher.";

	/** The handles that stand for ones out of reach. */
	private static final Set<MethodHandle> MISSING = ConcurrentHashMap.newKeySet();

	// Static final, so that the JIT compiles each call through them like a direct call.

	private static final MethodHandle MONO_FLAT_MAP_MAPPER = getter("MonoFlatMap", "mapper", Function.class);

	private static final MethodHandle MONO_FLAT_MAP_NEW = constructor("MonoFlatMap", Mono.class, Mono.class,
			Function.class);

	private static final MethodHandle MONO_ON_ERROR_RESUME_FACTORY = getter("MonoOnErrorResume", "nextFactory",
			Function.class);

	private static final MethodHandle MONO_ON_ERROR_RESUME_NEW = constructor("MonoOnErrorResume", Mono.class,
			Mono.class, Function.class);

	private static final MethodHandle MONO_DEFER_SUPPLIER = getter("MonoDefer", "supplier", Supplier.class);

	private static final MethodHandle MONO_DEFER_NEW = constructor("MonoDefer", Mono.class, Supplier.class);

	private static final MethodHandle MONO_DEFER_CONTEXTUAL_FACTORY = getter("MonoDeferContextual",
			"contextualMonoFactory", Function.class);

	private static final MethodHandle MONO_DEFER_CONTEXTUAL_NEW = constructor("MonoDeferContextual", Mono.class,
			Function.class);

	private static final MethodHandle CONCAT_MAP_MAPPER = getter("FluxConcatMapNoPrefetch", "mapper", Function.class);

	private static final MethodHandle CONCAT_MAP_ERROR_MODE = getter("FluxConcatMapNoPrefetch", "errorMode",
			Object.class);

	private static final MethodHandle CONCAT_MAP_NEW = constructor("FluxConcatMapNoPrefetch", Flux.class, Flux.class,
			Function.class, "FluxConcatMap$ErrorMode");

	private static final MethodHandle IGNORE_THEN_IGNORED = getter("MonoIgnoreThen", "ignore", Object[].class);

	private static final MethodHandle IGNORE_THEN_LAST = getter("MonoIgnoreThen", "last", Object.class);

	private static final MethodHandle CONCAT_ARRAY_SOURCES = getter("FluxConcatArray", "array", Object[].class);

	private static final MethodHandle ZIP_SOURCES = getter("MonoZip", "sources", Object[].class);

	private static final MethodHandle SWITCH_IF_EMPTY_OTHER = getter("MonoSwitchIfEmpty", "other", Object.class);

	// The sources of Reactor's operators, read from their fields: no Scannable call (an
	// interface check, see RequestContextHooks.parentOf) and no megamorphic scanUnsafe.

	private static final MethodHandle MONO_OPERATOR_SOURCE = getter("MonoOperator", "source", Object.class);

	private static final MethodHandle FLUX_OPERATOR_SOURCE = getter("FluxOperator", "source", Object.class);

	private static final Class<?> MONO_FROM_FLUX = reactorClass("MonoFromFluxOperator");

	private static final MethodHandle MONO_FROM_FLUX_SOURCE = getter("MonoFromFluxOperator", "source", Object.class);

	private static final Class<?> FLUX_FROM_MONO = reactorClass("FluxFromMonoOperator");

	private static final MethodHandle FLUX_FROM_MONO_SOURCE = getter("FluxFromMonoOperator", "source", Object.class);

	private static final boolean SOURCES_REACHABLE = MONO_FROM_FLUX != Unreachable.class
			&& FLUX_FROM_MONO != Unreachable.class
			&& found(MONO_OPERATOR_SOURCE, FLUX_OPERATOR_SOURCE, MONO_FROM_FLUX_SOURCE, FLUX_FROM_MONO_SOURCE);

	/** What {@link #sourceOf(Object)} returns for a publisher it cannot read. */
	static final Object UNKNOWN = new Object();

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

	/**
	 * The source of one of Reactor's operators, read from its field.
	 * @param publisher an assembled publisher
	 * @return its source (or {@code null}), or {@link #UNKNOWN} when {@code publisher} is
	 * none of Reactor's operator base classes or their fields are out of reach
	 */
	static @Nullable Object sourceOf(Object publisher) {
		try {
			if (!SOURCES_REACHABLE) {
				return UNKNOWN;
			}
			if (publisher instanceof MonoOperator<?, ?>) {
				return (Object) MONO_OPERATOR_SOURCE.invokeExact(publisher);
			}
			if (publisher instanceof FluxOperator<?, ?>) {
				return (Object) FLUX_OPERATOR_SOURCE.invokeExact(publisher);
			}
			// Class.isInstance of a constant class compiles like instanceof.
			if (MONO_FROM_FLUX.isInstance(publisher)) {
				return (Object) MONO_FROM_FLUX_SOURCE.invokeExact(publisher);
			}
			if (FLUX_FROM_MONO.isInstance(publisher)) {
				return (Object) FLUX_FROM_MONO_SOURCE.invokeExact(publisher);
			}
			return UNKNOWN;
		}
		catch (Throwable ex) {
			return UNKNOWN;
		}
	}

	/** A class of Reactor's, or one no object is an instance of when out of reach. */
	private static Class<?> reactorClass(String type) {
		try {
			return Class.forName(REACTOR_PACKAGE + type, false, Flux.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			logger.debug("Reactor's {} is out of reach ({})", type, ex.toString());
			return Unreachable.class;
		}
	}

	/**
	 * {@code (Object operator) -> returned field}; the field's declared type must be
	 * assignable to {@code returned}, so that no interface check is made.
	 */
	private static MethodHandle getter(String type, String field, Class<?> returned) {
		MethodType methodType = MethodType.methodType(returned, Object.class);
		try {
			Class<?> operator = Class.forName(REACTOR_PACKAGE + type, false, Flux.class.getClassLoader());
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(operator, MethodHandles.lookup());
			return lookup.unreflectGetter(operator.getDeclaredField(field)).asType(methodType);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return missing(type, ex, methodType);
		}
	}

	/**
	 * {@code (parameters...) -> created}; a parameter given by name is passed as Object.
	 */
	private static MethodHandle constructor(String type, Class<?> created, Object... parameters) {
		Class<?>[] declared = new Class<?>[parameters.length];
		Class<?>[] passed = new Class<?>[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			passed[i] = (parameters[i] instanceof Class<?> parameter) ? parameter : Object.class;
		}
		MethodType methodType = MethodType.methodType(created, passed);
		try {
			ClassLoader loader = Flux.class.getClassLoader();
			for (int i = 0; i < parameters.length; i++) {
				declared[i] = (parameters[i] instanceof String name)
						? Class.forName(REACTOR_PACKAGE + name, false, loader) : (Class<?>) parameters[i];
			}
			Class<?> operator = Class.forName(REACTOR_PACKAGE + type, false, loader);
			MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(operator, MethodHandles.lookup());
			return lookup.findConstructor(operator, MethodType.methodType(void.class, declared)).asType(methodType);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return missing(type, ex, methodType);
		}
	}

	/** A handle that returns null, standing for one out of reach. */
	private static MethodHandle missing(String type, Throwable ex, MethodType methodType) {
		logger.debug("Reactor's {} keeps a restoring step after it: it is out of reach ({})", type, ex.toString());
		MethodHandle missing = MethodHandles.dropArguments(MethodHandles.zero(methodType.returnType()), 0,
				methodType.parameterList());
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
	 * restoring step after them. One method per operator, each calling its own constant
	 * method handles, so that the JIT compiles every call through them as a direct call
	 * and makes no interface check (JDK 17 scans the secondary supertypes on every
	 * interface check that misses its one-entry cache, see
	 * {@link RequestContextHooks#parentOf}).
	 */
	enum InnerOperator {

		/** {@code Mono.flatMap}: rebuilt around its guarded function. */
		MONO_FLAT_MAP,

		/** {@code Mono.onErrorResume}: rebuilt around its guarded function. */
		MONO_ON_ERROR_RESUME,

		/** {@code Mono.defer}: rebuilt around its guarded supplier. */
		MONO_DEFER,

		/** {@code Mono.deferContextual}: rebuilt around its guarded function. */
		MONO_DEFER_CONTEXTUAL,

		/**
		 * {@code Flux.concatMap} without prefetch: rebuilt around its guarded function.
		 */
		CONCAT_MAP,

		/** {@code Mono.then}: its publishers checked at assembly. */
		IGNORE_THEN,

		/** {@code Flux.concat} of an array: its publishers checked at assembly. */
		CONCAT_ARRAY,

		/** {@code Mono.zip} of an array: its publishers checked at assembly. */
		ZIP,

		/** {@code Mono.switchIfEmpty}: its source and fallback checked at assembly. */
		SWITCH_IF_EMPTY;

		/**
		 * The publisher to use in place of {@code operator}, with no restoring step after
		 * it.
		 * @param operator the assembled operator, of this class
		 * @return the publisher, or {@code null} when the operator needs its step
		 */
		@Nullable Object withoutStep(Object operator) {
			try {
				return switch (this) {
					case MONO_FLAT_MAP -> monoFlatMap(operator);
					case MONO_ON_ERROR_RESUME -> monoOnErrorResume(operator);
					case MONO_DEFER -> monoDefer(operator);
					case MONO_DEFER_CONTEXTUAL -> monoDeferContextual(operator);
					case CONCAT_MAP -> concatMap(operator);
					case IGNORE_THEN -> (allDeliver((Object[]) IGNORE_THEN_IGNORED.invokeExact(operator))
							&& deliver((Object) IGNORE_THEN_LAST.invokeExact(operator))) ? checked(operator) : null;
					case CONCAT_ARRAY ->
						allDeliver((Object[]) CONCAT_ARRAY_SOURCES.invokeExact(operator)) ? checked(operator) : null;
					case ZIP -> allDeliver((Object[]) ZIP_SOURCES.invokeExact(operator)) ? checked(operator) : null;
					case SWITCH_IF_EMPTY ->
						(deliver(sourceOf(operator)) && deliver((Object) SWITCH_IF_EMPTY_OTHER.invokeExact(operator)))
								? checked(operator) : null;
				};
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
				return switch (this) {
					case MONO_FLAT_MAP ->
						(Function<?, ?>) MONO_FLAT_MAP_MAPPER.invokeExact(operator) instanceof Guarded;
					case MONO_ON_ERROR_RESUME ->
						(Function<?, ?>) MONO_ON_ERROR_RESUME_FACTORY.invokeExact(operator) instanceof Guarded;
					case MONO_DEFER -> (Supplier<?>) MONO_DEFER_SUPPLIER.invokeExact(operator) instanceof Guarded;
					case MONO_DEFER_CONTEXTUAL ->
						(Function<?, ?>) MONO_DEFER_CONTEXTUAL_FACTORY.invokeExact(operator) instanceof Guarded;
					case CONCAT_MAP -> (Function<?, ?>) CONCAT_MAP_MAPPER.invokeExact(operator) instanceof Guarded;
					case IGNORE_THEN, CONCAT_ARRAY, ZIP, SWITCH_IF_EMPTY -> false;
				};
			}
			catch (Throwable ex) {
				return false;
			}
		}

		private boolean reachable() {
			return switch (this) {
				case MONO_FLAT_MAP -> SOURCES_REACHABLE && found(MONO_FLAT_MAP_MAPPER, MONO_FLAT_MAP_NEW);
				case MONO_ON_ERROR_RESUME ->
					SOURCES_REACHABLE && found(MONO_ON_ERROR_RESUME_FACTORY, MONO_ON_ERROR_RESUME_NEW);
				case MONO_DEFER -> found(MONO_DEFER_SUPPLIER, MONO_DEFER_NEW);
				case MONO_DEFER_CONTEXTUAL -> found(MONO_DEFER_CONTEXTUAL_FACTORY, MONO_DEFER_CONTEXTUAL_NEW);
				case CONCAT_MAP -> SOURCES_REACHABLE && found(CONCAT_MAP_MAPPER, CONCAT_MAP_ERROR_MODE, CONCAT_MAP_NEW);
				case IGNORE_THEN -> found(IGNORE_THEN_IGNORED, IGNORE_THEN_LAST);
				case CONCAT_ARRAY -> found(CONCAT_ARRAY_SOURCES);
				case ZIP -> found(ZIP_SOURCES);
				case SWITCH_IF_EMPTY -> SOURCES_REACHABLE && found(SWITCH_IF_EMPTY_OTHER);
			};
		}

		private static @Nullable Object monoFlatMap(Object operator) throws Throwable {
			Function<?, ?> mapper = (Function<?, ?>) MONO_FLAT_MAP_MAPPER.invokeExact(operator);
			if (mapper instanceof Guarded) {
				return operator;
			}
			return (seenSource(operator) instanceof Mono<?> source)
					? (Mono<Object>) MONO_FLAT_MAP_NEW.invokeExact(source, guarded(mapper)) : null;
		}

		private static @Nullable Object monoOnErrorResume(Object operator) throws Throwable {
			Function<?, ?> factory = (Function<?, ?>) MONO_ON_ERROR_RESUME_FACTORY.invokeExact(operator);
			if (factory instanceof Guarded) {
				return operator;
			}
			return (seenSource(operator) instanceof Mono<?> source)
					? (Mono<Object>) MONO_ON_ERROR_RESUME_NEW.invokeExact(source, guarded(factory)) : null;
		}

		private static Object monoDefer(Object operator) throws Throwable {
			Supplier<?> supplier = (Supplier<?>) MONO_DEFER_SUPPLIER.invokeExact(operator);
			if (supplier instanceof Guarded) {
				return operator;
			}
			return (Mono<Object>) MONO_DEFER_NEW.invokeExact((Supplier<?>) new GuardedSupplier(supplier));
		}

		private static Object monoDeferContextual(Object operator) throws Throwable {
			Function<?, ?> factory = (Function<?, ?>) MONO_DEFER_CONTEXTUAL_FACTORY.invokeExact(operator);
			if (factory instanceof Guarded) {
				return operator;
			}
			return (Mono<Object>) MONO_DEFER_CONTEXTUAL_NEW.invokeExact(guarded(factory));
		}

		private static @Nullable Object concatMap(Object operator) throws Throwable {
			Function<?, ?> mapper = (Function<?, ?>) CONCAT_MAP_MAPPER.invokeExact(operator);
			if (mapper instanceof Guarded) {
				return operator;
			}
			return (seenSource(operator) instanceof Flux<?> source) ? (Flux<Object>) CONCAT_MAP_NEW.invokeExact(source,
					guarded(mapper), (Object) CONCAT_MAP_ERROR_MODE.invokeExact(operator)) : null;
		}

		/**
		 * An operator's source, or null when it never passed through the hook (then the
		 * operator keeps its step) or cannot be read.
		 */
		private static @Nullable Object seenSource(Object operator) {
			Object source = sourceOf(operator);
			return (source != UNKNOWN && !RequestContextHooks.isUnseen(source, false)) ? source : null;
		}

		@SuppressWarnings("unchecked")
		private static Function<?, ?> guarded(Function<?, ?> function) {
			return new GuardedFunction((Function<Object, ?>) function);
		}

		private static boolean deliver(@Nullable Object publisher) {
			// No interface check: a publisher that is neither Reactor's nor the starter's
			// is a library's, which does not deliver.
			return publisher != null && RequestContextHooks.delivers(publisher);
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

		private static @Nullable Object checked(Object operator) {
			// Class checks, not one against the Publisher interface (see
			// RequestContextHooks.parentOf).
			if (operator instanceof Mono<?> mono) {
				return new CheckedMono<>(mono);
			}
			return (operator instanceof Flux<?> flux) ? new CheckedFlux<>(flux) : null;
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

	/** Stands for a class of Reactor's that is out of reach: nothing is an instance. */
	private static final class Unreachable {

		private Unreachable() {
		}

	}

}
