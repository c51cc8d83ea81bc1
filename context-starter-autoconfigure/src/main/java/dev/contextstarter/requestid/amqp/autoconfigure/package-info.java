/**
 * Auto-configuration of the request context for Spring AMQP (RabbitMQ).
 */
@NullMarked
package dev.contextstarter.requestid.amqp.autoconfigure;

import org.jspecify.annotations.NullMarked;
