/**
 * Test kit for applications that use context-starter.
 */
@NullMarked
package dev.contextstarter.test;

import org.jspecify.annotations.NullMarked;
