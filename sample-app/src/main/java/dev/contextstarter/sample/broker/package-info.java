/**
 * The embedded AMQP 0-9-1 broker (Apache Qpid Broker-J) the sample starts by default.
 */
@NullMarked
package dev.contextstarter.sample.broker;

import org.jspecify.annotations.NullMarked;
