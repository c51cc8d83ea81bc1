/**
 * Auto-configuration of the request context.
 */
@NullMarked
package dev.contextstarter.requestid.autoconfigure;

import org.jspecify.annotations.NullMarked;
