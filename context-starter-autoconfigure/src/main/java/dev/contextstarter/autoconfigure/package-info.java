/**
 * Conditions shared by the starter's auto-configurations.
 */
@NullMarked
package dev.contextstarter.autoconfigure;

import org.jspecify.annotations.NullMarked;
