/**
 * Auto-configuration of the request context for blocking HTTP clients (RestClient,
 * RestTemplate).
 */
@NullMarked
package dev.contextstarter.requestid.http.autoconfigure;

import org.jspecify.annotations.NullMarked;
