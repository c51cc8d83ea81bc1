/**
 * Benchmarks of the request context in Spring's executors.
 */
@NullMarked
package dev.contextstarter.benchmarks.task;

import org.jspecify.annotations.NullMarked;
