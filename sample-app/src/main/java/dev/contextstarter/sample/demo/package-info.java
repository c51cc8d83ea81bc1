/**
 * Demonstrations of the scheduler watchdog and the clock-jump-aware scheduler.
 */
@NullMarked
package dev.contextstarter.sample.demo;

import org.jspecify.annotations.NullMarked;
