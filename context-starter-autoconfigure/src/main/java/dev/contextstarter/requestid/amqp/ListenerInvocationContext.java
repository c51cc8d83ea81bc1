package dev.contextstarter.requestid.amqp;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestContext;

/**
 * The context of the listener invocation running on this thread, kept apart from the
 * {@link dev.contextstarter.requestid.RequestContextHolder} so that only subscriptions started
 * by a listener (such as Spring AMQP subscribing to a returned {@code Mono}) are given it.
 */
final class ListenerInvocationContext {

	private static final ThreadLocal<@Nullable RequestContext> current = new ThreadLocal<>();

	private ListenerInvocationContext() {
	}

	static @Nullable RequestContext current() {
		return current.get();
	}

	static @Nullable RequestContext enter(@Nullable RequestContext context) {
		RequestContext previous = current.get();
		current.set(context);
		return previous;
	}

	static void exit(@Nullable RequestContext previous) {
		if (previous == null) {
			current.remove();
		}
		else {
			current.set(previous);
		}
	}

}
