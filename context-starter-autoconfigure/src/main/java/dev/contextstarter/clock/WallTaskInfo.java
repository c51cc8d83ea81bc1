package dev.contextstarter.clock;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one wall-clock task, for the actuator endpoint.
 *
 * @param task the task's name
 * @param trigger the trigger's description (cron expression or instant)
 * @param nextNominalTime the occurrence it waits for, or {@code null} when finished
 * @param highWaterMark the latest occurrence it ran (or skipped), or {@code null} if none
 * @param lastRun its latest run, or {@code null} if none
 * @param policy its clock-jump policy
 */
public record WallTaskInfo(String task, String trigger, @Nullable Instant nextNominalTime,
		@Nullable Instant highWaterMark, @Nullable ScheduledRun lastRun, WallTaskPolicy policy) {

}
