/**
 * The request context: its ID and fields, the thread's holder, MDC mapping, ID policy and
 * generation.
 */
@NullMarked
package dev.contextstarter.requestid;

import org.jspecify.annotations.NullMarked;
