/**
 * Clock-jump detection and a task scheduler whose wall-clock tasks (cron,
 * {@code Instant}) fire at their intended wall time after the clock jumps, without
 * duplicates.
 */
@NullMarked
package dev.contextstarter.clock;

import org.jspecify.annotations.NullMarked;
