/**
 * Orders: placed over HTTP, processed from RabbitMQ, reserved against the inventory.
 */
@NullMarked
package dev.contextstarter.sample.orders;

import org.jspecify.annotations.NullMarked;
