/**
 * A small orders service written the way a user of context-starter would: no context code
 * of its own.
 */
@NullMarked
package dev.contextstarter.sample;

import org.jspecify.annotations.NullMarked;
