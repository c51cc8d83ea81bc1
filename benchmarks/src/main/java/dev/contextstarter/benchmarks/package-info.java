/**
 * JMH benchmarks of context-starter: propagation through Reactor scheduler hops against
 * no propagation and against Micrometer Tracing, request ID generation, and MDC updates.
 * Run with {@code benchmarks/run-jmh.sh}.
 */
@NullMarked
package dev.contextstarter.benchmarks;

import org.jspecify.annotations.NullMarked;
