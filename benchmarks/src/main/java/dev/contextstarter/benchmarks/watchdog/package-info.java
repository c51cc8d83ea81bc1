/**
 * Benchmarks of the scheduler watchdog's hot path.
 */
@NullMarked
package dev.contextstarter.benchmarks.watchdog;

import org.jspecify.annotations.NullMarked;
