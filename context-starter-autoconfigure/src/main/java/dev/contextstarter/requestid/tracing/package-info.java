/**
 * The request context next to Micrometer Tracing: one writer per MDC key.
 */
@NullMarked
package dev.contextstarter.requestid.tracing;

import org.jspecify.annotations.NullMarked;
