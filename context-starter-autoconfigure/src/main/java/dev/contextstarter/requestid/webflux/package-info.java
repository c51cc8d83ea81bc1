/**
 * The request context over WebFlux: the inbound {@code HttpHandler} decorator and the
 * outbound {@code WebClient} filter.
 */
@NullMarked
package dev.contextstarter.requestid.webflux;

import org.jspecify.annotations.NullMarked;
