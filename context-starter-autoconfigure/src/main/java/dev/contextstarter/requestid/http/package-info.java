/**
 * The request context on outbound calls of Spring's blocking HTTP clients,
 * {@code RestClient} and {@code RestTemplate}.
 */
@NullMarked
package dev.contextstarter.requestid.http;

import org.jspecify.annotations.NullMarked;
