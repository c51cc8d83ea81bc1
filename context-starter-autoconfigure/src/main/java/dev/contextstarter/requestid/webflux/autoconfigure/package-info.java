/**
 * Auto-configuration of the request context for WebFlux and WebClient.
 */
@NullMarked
package dev.contextstarter.requestid.webflux.autoconfigure;

import org.jspecify.annotations.NullMarked;
