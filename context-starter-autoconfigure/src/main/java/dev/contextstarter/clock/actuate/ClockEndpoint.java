package dev.contextstarter.clock.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.ClockJumpEvent;
import dev.contextstarter.clock.ProcessStallEvent;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.WallTaskInfo;
import dev.contextstarter.support.EnumSpelling;

/**
 * The {@code clock} endpoint: the current skew between the wall and monotonic clocks,
 * recent jumps and stalls, and every wall-clock task with its next nominal time.
 */
@Endpoint(id = "clock")
public class ClockEndpoint {

	private final ClockJumpDetector detector;

	private final @Nullable ClockJumpAwareTaskScheduler scheduler;

	/**
	 * Create the endpoint.
	 * @param detector the detector
	 * @param scheduler the scheduler, or {@code null} when scheduling is not in use
	 */
	public ClockEndpoint(ClockJumpDetector detector, @Nullable ClockJumpAwareTaskScheduler scheduler) {
		this.detector = detector;
		this.scheduler = scheduler;
	}

	/**
	 * Describe the clock.
	 * @return the description
	 */
	@ReadOperation
	public ClockDescriptor clock() {
		List<JumpDescriptor> jumps = this.detector.recentEvents()
			.stream()
			.filter(ClockJumpEvent.class::isInstance)
			.map(ClockJumpEvent.class::cast)
			.map(JumpDescriptor::of)
			.toList();
		List<StallDescriptor> stalls = this.detector.recentEvents()
			.stream()
			.filter(ProcessStallEvent.class::isInstance)
			.map(ProcessStallEvent.class::cast)
			.map(StallDescriptor::of)
			.toList();
		List<TaskDescriptor> tasks = (this.scheduler != null)
				? this.scheduler.wallTasks().stream().map(TaskDescriptor::of).toList() : List.of();
		Instant lastCheck = this.detector.lastCheck();
		return new ClockDescriptor(seconds(this.detector.currentSkew()),
				(lastCheck != null) ? lastCheck.toString() : null, seconds(this.detector.getCheckInterval()), jumps,
				stalls, tasks);
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	private static @Nullable String text(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	/**
	 * The endpoint's response.
	 *
	 * @param skewSeconds wall clock minus monotonic clock since start
	 * @param lastCheck wall time of the detector's latest check
	 * @param checkIntervalSeconds time between checks
	 * @param recentJumps recent jumps, oldest first
	 * @param recentStalls recent stalls, oldest first
	 * @param wallTasks wall-clock tasks
	 */
	public record ClockDescriptor(double skewSeconds, @Nullable String lastCheck, double checkIntervalSeconds,
			List<JumpDescriptor> recentJumps, List<StallDescriptor> recentStalls,
			List<TaskDescriptor> wallTasks) implements OperationResponseBody {

	}

	/**
	 * One jump.
	 *
	 * @param direction {@code forward} or {@code backward}
	 * @param magnitudeSeconds size of the jump
	 * @param wallBefore wall time at the check before
	 * @param wallAfter wall time at the check that saw it
	 */
	public record JumpDescriptor(String direction, double magnitudeSeconds, String wallBefore, String wallAfter) {

		static JumpDescriptor of(ClockJumpEvent event) {
			return new JumpDescriptor(EnumSpelling.of(event.getDirection()), seconds(event.getMagnitude()),
					event.getWallBefore().toString(), event.getWallAfter().toString());
		}

	}

	/**
	 * One stall.
	 *
	 * @param stallSeconds how much longer than the check interval the gap was
	 * @param wallBefore wall time at the check before
	 * @param wallAfter wall time at the check that saw it
	 */
	public record StallDescriptor(double stallSeconds, String wallBefore, String wallAfter) {

		static StallDescriptor of(ProcessStallEvent event) {
			return new StallDescriptor(seconds(event.getStall()), event.getWallBefore().toString(),
					event.getWallAfter().toString());
		}

	}

	/**
	 * One wall-clock task.
	 *
	 * @param task the task's name
	 * @param trigger the trigger
	 * @param nextNominalTime the occurrence it waits for
	 * @param highWaterMark the latest occurrence run or skipped
	 * @param lastRunNominalTime nominal time of its latest run
	 * @param lastRunActualTime start of its latest run
	 * @param lastRunReason why its latest run ran: {@code on-time}, {@code late},
	 * {@code misfire} or {@code rerun}
	 * @param lastRunMissedCount occurrences folded into its latest run
	 * @param lastRunRequestId request ID of its latest run
	 * ({@link ScheduledRun#requestId()})
	 * @param misfirePolicy its misfire policy: {@code fire-once} or {@code skip}
	 * @param backwardPolicy its backward policy: {@code auto}, {@code hold} or
	 * {@code rerun}
	 * @param graceSeconds its grace period
	 */
	public record TaskDescriptor(String task, String trigger, @Nullable String nextNominalTime,
			@Nullable String highWaterMark, @Nullable String lastRunNominalTime, @Nullable String lastRunActualTime,
			@Nullable String lastRunReason, long lastRunMissedCount, @Nullable String lastRunRequestId,
			String misfirePolicy, String backwardPolicy, double graceSeconds) {

		static TaskDescriptor of(WallTaskInfo info) {
			ScheduledRun run = info.lastRun();
			return new TaskDescriptor(info.task(), info.trigger(), text(info.nextNominalTime()),
					text(info.highWaterMark()), (run != null) ? text(run.nominalTime()) : null,
					(run != null) ? text(run.actualTime()) : null, (run != null) ? EnumSpelling.of(run.reason()) : null,
					(run != null) ? run.missedCount() : 0, (run != null) ? run.requestId() : null,
					EnumSpelling.of(info.policy().misfirePolicy()), EnumSpelling.of(info.policy().backwardPolicy()),
					seconds(info.policy().grace()));
		}

	}

}
