package dev.contextstarter.watchdog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;
import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdContext;

/**
 * Turns stalls and JVM pauses into JDK Flight Recorder events, so that a recording shows
 * them on the same timeline as GC, safepoints and I/O. A stall's event begins when the
 * stall is found and is committed when it ends; a JVM pause's when it is seen. Nothing
 * happens per task, and events cost next to nothing when no recording runs.
 */
public final class StallJfrEvents implements WatchdogListener {

	/** Name of the stall event type. */
	static final String STALL_EVENT = "dev.contextstarter.watchdog.Stall";

	/** Name of the JVM pause event type. */
	static final String JVM_PAUSE_EVENT = "dev.contextstarter.watchdog.JvmPause";

	private final Map<Long, StallEvent> begun = new ConcurrentHashMap<>();

	@Override
	public void onStall(StallReport report) {
		if (report.source() == StallSource.JVM) {
			return;
		}
		StallEvent event = new StallEvent();
		if (event.isEnabled()) {
			event.begin();
			this.begun.put(report.id(), event);
		}
	}

	@Override
	public void onRecovery(StallReport report) {
		if (report.source() == StallSource.JVM) {
			commitPause(report);
			return;
		}
		StallEvent event = this.begun.remove(report.id());
		if (event == null) {
			// Recording started after the stall was found: the event covers its end only.
			event = new StallEvent();
			event.begin();
		}
		event.end();
		if (!event.shouldCommit()) {
			return;
		}
		RequestIdContext context = report.requestContext();
		event.threadName = report.threadName();
		event.threadId = report.threadId();
		event.pool = report.pool();
		event.source = report.source().name();
		event.cause = report.cause().tag();
		event.threadState = (report.threadState() != null) ? report.threadState().name() : null;
		event.stallStart = report.startedAt().toEpochMilli();
		event.stallDuration = (report.total() != null) ? report.total().toNanos() : 0;
		event.threshold = report.threshold().toNanos();
		event.requestId = report.requestId();
		event.requestFields = (context != null && !context.fields().isEmpty()) ? context.fields().toString() : null;
		event.stack = frames(report.stack());
		event.samples = report.samples();
		event.hotFrames = report.hotFrames().stream().map(FrameShare::toString).collect(Collectors.joining("; "));
		event.commit();
	}

	private static void commitPause(StallReport report) {
		JvmPauseEvent event = new JvmPauseEvent();
		if (!event.shouldCommit()) {
			return;
		}
		event.pauseStart = report.startedAt().toEpochMilli();
		event.pauseDuration = (report.total() != null) ? report.total().toNanos() : 0;
		event.commit();
	}

	private static String frames(List<StackTraceElement> stack) {
		return stack.stream().map(ApplicationFrames::describe).collect(Collectors.joining(System.lineSeparator()));
	}

	@Name(STALL_EVENT)
	@Label("Stall")
	@Category({ "Context Starter", "Watchdog" })
	@Description("A non-blocking thread stuck in one task past the watchdog threshold; committed when it ends")
	@StackTrace(false)
	static final class StallEvent extends Event {

		// Fields are set just before commit, some only when known: JFR records an unset
		// one as null.

		@Label("Thread Name")
		@Nullable String threadName;

		@Label("Thread ID")
		long threadId;

		@Label("Pool")
		@Nullable String pool;

		@Label("Source")
		@Nullable String source;

		@Label("Cause")
		@Nullable String cause;

		@Label("Thread State")
		@Nullable String threadState;

		@Label("Stall Start")
		@Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
		long stallStart;

		@Label("Stall Duration")
		@Timespan(Timespan.NANOSECONDS)
		long stallDuration;

		@Label("Threshold")
		@Timespan(Timespan.NANOSECONDS)
		long threshold;

		@Label("Request ID")
		@Nullable String requestId;

		@Label("Request Fields")
		@Nullable String requestFields;

		@Label("Stack While Stuck")
		@Nullable String stack;

		@Label("Samples")
		int samples;

		@Label("Where It Spent Its Time")
		@Nullable String hotFrames;

	}

	@Name(JVM_PAUSE_EVENT)
	@Label("JVM Pause")
	@Category({ "Context Starter", "Watchdog" })
	@Description("The watchdog thread woke up late: the whole JVM was paused (GC, safepoint, suspended process)")
	@StackTrace(false)
	static final class JvmPauseEvent extends Event {

		@Label("Pause Start")
		@Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
		long pauseStart;

		@Label("Pause Duration")
		@Timespan(Timespan.NANOSECONDS)
		long pauseDuration;

	}

}
