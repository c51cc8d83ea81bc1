package dev.contextstarter.support;

import java.util.function.Consumer;

import org.slf4j.Logger;

/**
 * Calls listeners so that one that fails is logged and neither stops the others nor
 * reaches the caller (a request, a scheduled run, the watchdog's thread). For the
 * starter's own use.
 */
public final class ListenerCalls {

	private ListenerCalls() {
	}

	/**
	 * Call every listener in turn, isolating each one's failure.
	 * @param <L> the listener type
	 * @param listeners the listeners
	 * @param call what to call on each
	 * @param logger where a failure is logged (as WARN, with the listener and its
	 * exception)
	 */
	public static <L> void callEach(Iterable<? extends L> listeners, Consumer<? super L> call, Logger logger) {
		for (L listener : listeners) {
			callIsolated(listener, call, logger);
		}
	}

	/**
	 * Call one listener, isolating its failure.
	 * @param <L> the listener type
	 * @param listener the listener
	 * @param call what to call on it
	 * @param logger where a failure is logged (as WARN, with the listener and its
	 * exception)
	 */
	public static <L> void callIsolated(L listener, Consumer<? super L> call, Logger logger) {
		try {
			call.accept(listener);
		}
		catch (RuntimeException ex) {
			logger.warn("Listener {} failed", listener, ex);
		}
	}

}
