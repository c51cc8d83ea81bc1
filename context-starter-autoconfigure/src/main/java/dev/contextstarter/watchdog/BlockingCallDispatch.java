package dev.contextstarter.watchdog;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Where BlockHound's callback goes. BlockHound is installed once per JVM and never
 * removed, so its callback reaches whichever watchdogs report blocking calls now (one per
 * application context, one per test capture) and does nothing when none does.
 */
final class BlockingCallDispatch {

	private static final List<Watchdog> WATCHDOGS = new CopyOnWriteArrayList<>();

	/**
	 * Set while a call is being queued, so that nothing the queuing does is reported
	 * again.
	 */
	private static final ThreadLocal<Boolean> REPORTING = new ThreadLocal<>();

	private BlockingCallDispatch() {
	}

	/**
	 * Install BlockHound unless done already, and send its reports to the watchdog too.
	 * @param watchdog the watchdog
	 * @throws IllegalStateException if BlockHound is absent or cannot be installed
	 */
	static void installAndRegister(Watchdog watchdog) {
		if (!blockHoundPresent()) {
			throw new IllegalStateException("BlockHound (io.projectreactor.tools:blockhound) is not on the class path");
		}
		// Only now is the class that refers to BlockHound loaded.
		BlockHoundInstaller.installOnce();
		if (!WATCHDOGS.contains(watchdog)) {
			WATCHDOGS.add(watchdog);
		}
	}

	static void unregister(Watchdog watchdog) {
		WATCHDOGS.remove(watchdog);
	}

	private static boolean blockHoundPresent() {
		try {
			Class.forName("reactor.blockhound.BlockHound", false, BlockingCallDispatch.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * A blocking method was called on a non-blocking thread; runs on that thread.
	 * @param className the method's class
	 * @param methodName the method
	 */
	static void blockingCall(String className, String methodName) {
		if (WATCHDOGS.isEmpty() || REPORTING.get() != null) {
			return;
		}
		REPORTING.set(Boolean.TRUE);
		try {
			Thread thread = Thread.currentThread();
			StackTraceElement[] stack = new Throwable().getStackTrace();
			RequestIdContext context = RequestIdContextHolder.current();
			for (Watchdog watchdog : WATCHDOGS) {
				watchdog.blockingCalls().offer(thread, className, methodName, stack, context);
			}
		}
		finally {
			REPORTING.remove();
		}
	}

}
