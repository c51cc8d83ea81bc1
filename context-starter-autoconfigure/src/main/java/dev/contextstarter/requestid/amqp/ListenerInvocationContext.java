package dev.contextstarter.requestid.amqp;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * The context of the listener invocation running on this thread, kept apart from the
 * {@link dev.contextstarter.requestid.RequestIdContextHolder} so that only subscriptions
 * started by a listener (such as Spring AMQP subscribing to a returned {@code Mono}) are
 * given it.
 */
final class ListenerInvocationContext {

	private static final ThreadLocal<@Nullable RequestIdContext> current = new ThreadLocal<>();

	private ListenerInvocationContext() {
	}

	static @Nullable RequestIdContext current() {
		return current.get();
	}

	static @Nullable RequestIdContext enter(@Nullable RequestIdContext context) {
		RequestIdContext previous = current.get();
		current.set(context);
		return previous;
	}

	static void exit(@Nullable RequestIdContext previous) {
		if (previous == null) {
			current.remove();
		}
		else {
			current.set(previous);
		}
	}

}
