/**
 * Inventory: a stock lookup that hops across Reactor schedulers.
 */
@NullMarked
package dev.contextstarter.sample.inventory;

import org.jspecify.annotations.NullMarked;
