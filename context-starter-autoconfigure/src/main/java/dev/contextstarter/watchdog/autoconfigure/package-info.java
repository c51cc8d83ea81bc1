/**
 * Auto-configuration of the scheduler watchdog.
 */
@NullMarked
package dev.contextstarter.watchdog.autoconfigure;

import org.jspecify.annotations.NullMarked;
