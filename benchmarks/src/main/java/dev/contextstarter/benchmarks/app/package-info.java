/**
 * The application that {@code benchmarks/http-load.sh} starts in each configuration
 * (baseline, starter, tracing) and loads with wrk.
 */
@NullMarked
package dev.contextstarter.benchmarks.app;

import org.jspecify.annotations.NullMarked;
