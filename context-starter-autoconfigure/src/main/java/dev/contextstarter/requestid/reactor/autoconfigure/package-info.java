/**
 * Auto-configuration of the request context for Reactor propagation.
 */
@NullMarked
package dev.contextstarter.requestid.reactor.autoconfigure;

import org.jspecify.annotations.NullMarked;
