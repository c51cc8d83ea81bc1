/**
 * Actuator endpoint that shows the clock skew, recent jumps and stalls, and the
 * wall-clock tasks.
 */
@NullMarked
package dev.contextstarter.clock.actuate;

import org.jspecify.annotations.NullMarked;
