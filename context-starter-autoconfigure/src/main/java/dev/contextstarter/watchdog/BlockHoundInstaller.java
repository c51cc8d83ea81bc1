package dev.contextstarter.watchdog;

import org.jspecify.annotations.Nullable;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per JVM, with the integrations found on the class path
 * (Reactor's and Netty's mark their non-blocking threads) and a callback that reports
 * each blocking call to the watchdogs registered with {@link BlockingCallDispatch}
 * instead of throwing. Only loaded when BlockHound is on the class path.
 */
final class BlockHoundInstaller {

	/** What BlockHound needs on JDK 13 and later to instrument native methods. */
	static final String JVM_FLAG = "-XX:+AllowRedefinitionToAddDeleteMethods";

	private static boolean installed;

	private static @Nullable RuntimeException failure;

	private BlockHoundInstaller() {
	}

	/**
	 * Install BlockHound unless done already; a failed installation fails every later
	 * call too (BlockHound cannot be installed twice).
	 */
	static synchronized void installOnce() {
		if (failure != null) {
			throw failure;
		}
		if (installed) {
			return;
		}
		try {
			BlockHound.builder()
				.loadIntegrations()
				.blockingMethodCallback(
						(method) -> BlockingCallDispatch.blockingCall(method.getClassName(), method.getName()))
				.install();
			installed = true;
		}
		catch (RuntimeException ex) {
			failure = new IllegalStateException("BlockHound could not be installed; on JDK 13 and later the JVM needs "
					+ JVM_FLAG + " (and a JDK, not a JRE without the attach API)", ex);
			throw failure;
		}
	}

}
