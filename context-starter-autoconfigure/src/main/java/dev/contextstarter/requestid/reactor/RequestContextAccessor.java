package dev.contextstarter.requestid.reactor;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

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
