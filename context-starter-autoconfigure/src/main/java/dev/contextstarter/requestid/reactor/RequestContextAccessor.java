package dev.contextstarter.requestid.reactor;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Lets context-propagation (and so Reactor's automatic propagation) carry the
 * {@link RequestIdContext} between the Reactor {@code Context} and the
 * {@link RequestIdContextHolder}, with the MDC kept in step.
 */
public final class RequestContextAccessor implements ThreadLocalAccessor<RequestIdContext> {

	/**
	 * The key of the request context in a Reactor {@code Context} and in the registry.
	 */
	public static final String KEY = "dev.contextstarter.request-context";

	/**
	 * Return the context a subscription works in: the one written into its Reactor
	 * {@code Context} or, failing that, the one current on the calling thread.
	 * @param view the subscription's Reactor {@code Context}
	 * @return the context, or {@code null} when there is none
	 */
	public static @Nullable RequestIdContext current(ContextView view) {
		RequestIdContext written = view.isEmpty() ? null : view.getOrDefault(KEY, null);
		return (written != null) ? written : RequestIdContextHolder.current();
	}

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable RequestIdContext getValue() {
		return RequestIdContextHolder.current();
	}

	@Override
	public void setValue(RequestIdContext value) {
		RequestIdContextHolder.set(value);
	}

	@Override
	public void setValue() {
		RequestIdContextHolder.set(null);
	}

	@Override
	public void restore(RequestIdContext previousValue) {
		RequestIdContextHolder.set(previousValue);
	}

	@Override
	public void restore() {
		RequestIdContextHolder.set(null);
	}

}
