package dev.contextstarter.watchdog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * One stall: a non-blocking thread stuck past its threshold, or a pause of the whole JVM.
 * A report is first published while the thread is still stuck ({@link #total()} is
 * {@code null}) and again when it recovers, with the total.
 *
 * @param id a number unique within one watchdog, shared by both reports of a stall
 * @param source what was watched
 * @param threadName the stuck thread's name ({@code jvm} for a JVM pause)
 * @param threadId the stuck thread's ID ({@code -1} for a JVM pause)
 * @param pool the thread pool: the thread name without its trailing number
 * @param cause whether the thread burned CPU or was blocked, or the JVM paused
 * @param threadState the thread's state when the stall was detected, {@code null} for a
 * JVM pause
 * @param startedAt when the stuck task started (or the probe was queued)
 * @param detectedAt when the watchdog saw the stall
 * @param threshold the threshold that was crossed
 * @param durationSoFar how long the thread had been stuck when this report was made
 * @param total the whole duration once the stall ended, {@code null} while it goes on
 * @param requestContext the request the thread was serving, if any
 * @param stack the stuck thread's stack captured while it was stuck, trimmed
 * @param samples how many stack samples the watchdog took while the thread was stuck (0
 * for a JVM pause)
 * @param hotFrames where the stall spent its time, by share of the samples, most first;
 * empty until the stall ended
 */
public record StallReport(long id, StallSource source, String threadName, long threadId, String pool, StallCause cause,
		Thread.@Nullable State threadState, Instant startedAt, Instant detectedAt, Duration threshold,
		Duration durationSoFar, @Nullable Duration total, @Nullable RequestIdContext requestContext,
		List<StackTraceElement> stack, int samples, List<FrameShare> hotFrames) {

	public StallReport {
		stack = List.copyOf(stack);
		hotFrames = List.copyOf(hotFrames);
	}

	/**
	 * The first frame of the captured stack outside the JDK, Reactor, Netty, Spring and
	 * logging.
	 * @return the frame, or {@code null} when there is none
	 */
	public @Nullable StackTraceElement topApplicationFrame() {
		return ApplicationFrames.top(this.stack);
	}

	/**
	 * The request ID of the request the thread was serving.
	 * @return the request ID, or {@code null}
	 */
	public @Nullable String requestId() {
		return (this.requestContext != null) ? this.requestContext.requestId() : null;
	}

	/**
	 * Whether the stall is over.
	 * @return {@code true} once {@link #total()} is known
	 */
	public boolean ended() {
		return this.total != null;
	}

	/**
	 * Whether any captured stack frame is in the given method.
	 * @param className the fully qualified class name
	 * @param methodName the method name
	 * @return {@code true} if the stack contains the frame
	 */
	public boolean hasFrame(String className, String methodName) {
		return ApplicationFrames.contains(this.stack, className, methodName);
	}

	StallReport endedAfter(Duration total, int samples, List<FrameShare> hotFrames) {
		return new StallReport(this.id, this.source, this.threadName, this.threadId, this.pool, this.cause,
				this.threadState, this.startedAt, this.detectedAt, this.threshold, this.durationSoFar, total,
				this.requestContext, this.stack, samples, hotFrames);
	}

	StallReport stuckFor(Duration durationSoFar) {
		return new StallReport(this.id, this.source, this.threadName, this.threadId, this.pool, this.cause,
				this.threadState, this.startedAt, this.detectedAt, this.threshold, durationSoFar, this.total,
				this.requestContext, this.stack, this.samples, this.hotFrames);
	}

}
