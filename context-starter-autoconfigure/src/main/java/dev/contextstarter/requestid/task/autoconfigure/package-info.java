/**
 * Auto-configuration of the request context for executors, schedulers and @Scheduled
 * runs.
 */
@NullMarked
package dev.contextstarter.requestid.task.autoconfigure;

import org.jspecify.annotations.NullMarked;
