package dev.contextstarter.watchdog.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.support.EnumSpelling;
import dev.contextstarter.watchdog.BlockingCall;
import dev.contextstarter.watchdog.FrameShare;
import dev.contextstarter.watchdog.StallReport;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogSettings;
import dev.contextstarter.watchdog.WatchdogTotals;

/**
 * {@code watchdog} endpoint: the watchdog's settings, its totals, the stalls going on now
 * and the most recent ended ones, each with its request context, trimmed stack and where
 * it spent its time, and the most recent blocking calls BlockHound caught.
 */
@Endpoint(id = "watchdog")
public class WatchdogEndpoint {

	private final Watchdog watchdog;

	/**
	 * Create the endpoint.
	 * @param watchdog the watchdog to describe
	 */
	public WatchdogEndpoint(Watchdog watchdog) {
		this.watchdog = watchdog;
	}

	/**
	 * Describe the watchdog.
	 * @return the description
	 */
	@ReadOperation
	public WatchdogDescriptor watchdog() {
		return new WatchdogDescriptor(this.watchdog.isRunning(), SettingsDescriptor.of(this.watchdog.settings()),
				this.watchdog.totals(), describe(this.watchdog.stallsInProgress()),
				describe(this.watchdog.recentStalls()),
				this.watchdog.recentBlockingCalls().stream().map(BlockingCallDescriptor::of).toList());
	}

	private static List<StallDescriptor> describe(List<StallReport> reports) {
		return reports.stream().map(StallDescriptor::of).toList();
	}

	/**
	 * The endpoint's response.
	 *
	 * @param running whether the watchdog thread runs
	 * @param settings the settings in force
	 * @param totals counts since start
	 * @param inProgress stalls going on now
	 * @param recent the most recent ended stalls, newest first
	 * @param recentBlockingCalls the most recent blocking calls caught by BlockHound,
	 * newest first
	 */
	public record WatchdogDescriptor(boolean running, SettingsDescriptor settings, WatchdogTotals totals,
			List<StallDescriptor> inProgress, List<StallDescriptor> recent,
			List<BlockingCallDescriptor> recentBlockingCalls) implements OperationResponseBody {

	}

	/**
	 * The settings, durations in milliseconds.
	 *
	 * @param thresholdMillis the scheduler task threshold
	 * @param eventLoopThresholdMillis the event loop threshold
	 * @param checkIntervalMillis the check interval
	 * @param startupGraceMillis the start-up grace period
	 * @param reportIntervalMillis the interval of the log budget
	 * @param jvmPauseThresholdMillis the JVM pause threshold
	 * @param recentStalls the ring buffer capacity
	 * @param stackDepth frames kept per report
	 * @param maxFullReports stalls logged in full per report interval
	 * @param maxSamples stack samples per stall
	 */
	public record SettingsDescriptor(long thresholdMillis, long eventLoopThresholdMillis, long checkIntervalMillis,
			long startupGraceMillis, long reportIntervalMillis, long jvmPauseThresholdMillis, int recentStalls,
			int stackDepth, int maxFullReports, int maxSamples) {

		static SettingsDescriptor of(WatchdogSettings settings) {
			return new SettingsDescriptor(settings.threshold().toMillis(), settings.eventLoopThreshold().toMillis(),
					settings.checkInterval().toMillis(), settings.startupGrace().toMillis(),
					settings.reportInterval().toMillis(), settings.jvmPauseThreshold().toMillis(),
					settings.recentStalls(), settings.stackDepth(), settings.maxFullReports(), settings.maxSamples());
		}

	}

	/**
	 * One stall.
	 *
	 * @param id the stall's number
	 * @param source {@code scheduler-task}, {@code event-loop} or {@code jvm}
	 * @param thread the thread name
	 * @param pool the pool name
	 * @param cause {@code cpu-bound}, {@code blocked} or {@code jvm-pause}
	 * @param threadState the thread state when detected
	 * @param startedAt when the stuck task started
	 * @param detectedAt when the watchdog saw it
	 * @param thresholdMillis the threshold crossed
	 * @param durationMillis the duration so far, or the total once ended
	 * @param ended whether it is over
	 * @param requestId the request ID the thread was serving
	 * @param fields the request's other fields
	 * @param stack the stack captured while stuck, trimmed
	 * @param samples how many stack samples were taken while stuck
	 * @param hotFrames where the stall spent its time, by share of the samples, once it
	 * ended
	 */
	public record StallDescriptor(long id, String source, String thread, String pool, String cause,
			@Nullable String threadState, Instant startedAt, Instant detectedAt, long thresholdMillis,
			long durationMillis, boolean ended, @Nullable String requestId, Map<String, String> fields,
			List<String> stack, int samples, List<FrameShare> hotFrames) {

		static StallDescriptor of(StallReport report) {
			RequestIdContext context = report.requestContext();
			return new StallDescriptor(report.id(), EnumSpelling.of(report.source()), report.threadName(),
					report.pool(), report.cause().tag(),
					(report.threadState() != null) ? report.threadState().name() : null, report.startedAt(),
					report.detectedAt(), report.threshold().toMillis(),
					(report.total() != null) ? report.total().toMillis() : report.durationSoFar().toMillis(),
					report.ended(), report.requestId(), (context != null) ? context.fields() : Map.of(),
					frames(report.stack()), report.samples(), report.hotFrames());
		}

	}

	/**
	 * One blocking call caught by BlockHound.
	 *
	 * @param id the call's number
	 * @param thread the thread name
	 * @param pool the pool name
	 * @param method the blocking method
	 * @param detectedAt when it was called
	 * @param requestId the request ID the thread was serving
	 * @param fields the request's other fields
	 * @param stack the stack from the blocking method down, trimmed
	 */
	public record BlockingCallDescriptor(long id, String thread, String pool, String method, Instant detectedAt,
			@Nullable String requestId, Map<String, String> fields, List<String> stack) {

		static BlockingCallDescriptor of(BlockingCall call) {
			RequestIdContext context = call.requestContext();
			return new BlockingCallDescriptor(call.id(), call.threadName(), call.pool(), call.method(),
					call.detectedAt(), call.requestId(), (context != null) ? context.fields() : Map.of(),
					frames(call.stack()));
		}

	}

	private static List<String> frames(List<StackTraceElement> stack) {
		return stack.stream().map(StackTraceElement::toString).toList();
	}

}
