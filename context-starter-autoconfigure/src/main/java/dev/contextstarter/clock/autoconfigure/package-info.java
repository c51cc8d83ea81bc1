/**
 * Auto-configuration of clock-jump detection and the clock-jump-aware task scheduler.
 */
@NullMarked
package dev.contextstarter.clock.autoconfigure;

import org.jspecify.annotations.NullMarked;
