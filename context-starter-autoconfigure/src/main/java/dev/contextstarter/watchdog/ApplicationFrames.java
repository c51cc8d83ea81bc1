package dev.contextstarter.watchdog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Tells the application's own stack frames from those of the JDK and the libraries it
 * runs on (Reactor, Netty, Spring, logging), which say little about which code stalled a
 * thread.
 */
final class ApplicationFrames {

	private static final List<String> LIBRARY_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
			"reactor.", "io.netty.", "org.springframework.", "io.micrometer.", "org.slf4j.", "ch.qos.logback.",
			"org.apache.logging.", "kotlin.", "kotlinx.coroutines.", "dev.contextstarter.requestid.reactor.",
			"dev.contextstarter.requestid.ContextRunnable", "dev.contextstarter.watchdog.ReactorTaskTimer",
			"dev.contextstarter.watchdog.BlockingCallDispatch");

	private ApplicationFrames() {
	}

	static boolean isApplication(StackTraceElement frame) {
		String type = frame.getClassName();
		for (String prefix : LIBRARY_PREFIXES) {
			if (type.startsWith(prefix)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The topmost application frame.
	 * @param stack the stack, top first
	 * @return the frame, or {@code null} when every frame is a library's
	 */
	static @Nullable StackTraceElement top(List<StackTraceElement> stack) {
		for (StackTraceElement frame : stack) {
			if (isApplication(frame)) {
				return frame;
			}
		}
		return null;
	}

	static boolean contains(List<StackTraceElement> stack, String className, String methodName) {
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().equals(className) && frame.getMethodName().equals(methodName)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * {@code package.Class.method(File.java:line)}, without the class loader and module.
	 */
	static String describe(StackTraceElement frame) {
		String file = frame.getFileName();
		String where = (file == null) ? "Unknown Source"
				: (frame.getLineNumber() >= 0) ? file + ":" + frame.getLineNumber() : file;
		return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
	}

	/** {@code SimpleClass.method}, short enough for one log line. */
	static String method(StackTraceElement frame) {
		String type = frame.getClassName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethodName();
	}

}
