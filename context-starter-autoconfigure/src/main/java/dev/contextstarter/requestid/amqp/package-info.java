/**
 * Carries the request context over RabbitMQ: stamps outgoing messages, opens the
 * message's context around every listener invocation, and lets batch listeners use each
 * message's own context.
 */
@NullMarked
package dev.contextstarter.requestid.amqp;

import org.jspecify.annotations.NullMarked;
