/**
 * The request context in work handed to Spring's executors and schedulers: a
 * {@code TaskDecorator} that carries the submitting thread's context, and a fresh context
 * for every run of an {@code @Scheduled} task.
 */
@NullMarked
package dev.contextstarter.requestid.task;

import org.jspecify.annotations.NullMarked;
