/**
 * Turns raw benchmark output into the Markdown tables and PNG charts under
 * {@code benchmarks/results/}.
 */
@NullMarked
package dev.contextstarter.benchmarks.report;

import org.jspecify.annotations.NullMarked;
