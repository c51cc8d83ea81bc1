/**
 * Carries the request context through Reactor operators and thread hops.
 */
@NullMarked
package dev.contextstarter.requestid.reactor;

import org.jspecify.annotations.NullMarked;
