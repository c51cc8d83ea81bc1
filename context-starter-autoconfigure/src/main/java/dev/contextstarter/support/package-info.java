/**
 * Small helpers the starter's features share.
 */
@NullMarked
package dev.contextstarter.support;

import org.jspecify.annotations.NullMarked;
