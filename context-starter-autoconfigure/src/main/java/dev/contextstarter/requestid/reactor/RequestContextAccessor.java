package dev.contextstarter.requestid.reactor;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;

/**
 * Lets context-propagation (and so Reactor's automatic propagation) carry the
 * {@link RequestContext} between the Reactor {@code Context} and the
 * {@link RequestContextHolder}, with the MDC kept in step.
 */
public final class RequestContextAccessor implements ThreadLocalAccessor<RequestContext> {

	/** The key of the request context in a Reactor {@code Context} and in the registry. */
	public static final String KEY = "dev.contextstarter.request-context";

	/**
	 * Return the context a subscription works in: the one written into its Reactor
	 * {@code Context} or, failing that, the one current on the calling thread.
	 * @param view the subscription's Reactor {@code Context}
	 * @return the context, or {@code null} when there is none
	 */
	public static @Nullable RequestContext current(ContextView view) {
		RequestContext written = view.isEmpty() ? null : view.getOrDefault(KEY, null);
		return (written != null) ? written : RequestContextHolder.current();
	}

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable RequestContext getValue() {
		return RequestContextHolder.current();
	}

	@Override
	public void setValue(RequestContext value) {
		RequestContextHolder.set(value);
	}

	@Override
	public void setValue() {
		RequestContextHolder.set(null);
	}

	@Override
	public void restore(RequestContext previousValue) {
		RequestContextHolder.set(previousValue);
	}

	@Override
	public void restore() {
		RequestContextHolder.set(null);
	}

}
