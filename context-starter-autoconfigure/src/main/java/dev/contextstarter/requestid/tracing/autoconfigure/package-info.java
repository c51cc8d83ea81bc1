/**
 * Auto-configuration of the request context for Micrometer Tracing.
 */
@NullMarked
package dev.contextstarter.requestid.tracing.autoconfigure;

import org.jspecify.annotations.NullMarked;
