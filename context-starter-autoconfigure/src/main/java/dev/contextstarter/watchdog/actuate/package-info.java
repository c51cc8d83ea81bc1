/**
 * Actuator endpoint of the scheduler watchdog.
 */
@NullMarked
package dev.contextstarter.watchdog.actuate;

import org.jspecify.annotations.NullMarked;
