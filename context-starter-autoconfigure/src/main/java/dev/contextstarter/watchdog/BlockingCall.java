package dev.contextstarter.watchdog;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * A blocking call on a non-blocking thread, caught by BlockHound when the watchdog's
 * BlockHound integration is on: the exact call, however short, with the request it
 * served. The call itself went ahead; nothing was thrown into the caller's chain.
 *
 * @param id a number unique within one watchdog
 * @param threadName the calling thread's name
 * @param threadId the calling thread's ID
 * @param pool the thread pool: the thread name without its trailing number
 * @param method the blocking method, {@code class.method}
 * @param detectedAt when the call was made
 * @param requestContext the request the thread was serving, if any
 * @param stack the calling thread's stack from the blocking method down, trimmed
 */
public record BlockingCall(long id, String threadName, long threadId, String pool, String method, Instant detectedAt,
		@Nullable RequestIdContext requestContext, List<StackTraceElement> stack) {

	public BlockingCall {
		stack = List.copyOf(stack);
	}

	/**
	 * The request ID of the request the thread was serving.
	 * @return the request ID, or {@code null}
	 */
	public @Nullable String requestId() {
		return (this.requestContext != null) ? this.requestContext.requestId() : null;
	}

	/**
	 * The first frame outside the JDK, Reactor, Netty, Spring and logging: the
	 * application code that made the call.
	 * @return the frame, or {@code null} when there is none
	 */
	public @Nullable StackTraceElement topApplicationFrame() {
		return ApplicationFrames.top(this.stack);
	}

	/**
	 * Whether any stack frame is in the given method.
	 * @param className the fully qualified class name
	 * @param methodName the method name
	 * @return {@code true} if the stack contains the frame
	 */
	public boolean hasFrame(String className, String methodName) {
		return ApplicationFrames.contains(this.stack, className, methodName);
	}

}
