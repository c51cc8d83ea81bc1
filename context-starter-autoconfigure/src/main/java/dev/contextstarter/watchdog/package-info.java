/**
 * The scheduler watchdog: finds tasks that stall a non-blocking thread (Reactor parallel
 * and single workers, Reactor Netty event loops) and reports them with the stuck thread's
 * stack and the request it was serving.
 */
@NullMarked
package dev.contextstarter.watchdog;

import org.jspecify.annotations.NullMarked;
