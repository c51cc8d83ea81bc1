package dev.contextstarter.requestid;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Reads inbound header values by name, for {@link InboundContextResolver}. HTTP header
 * names are matched in any letter case.
 */
@FunctionalInterface
public interface HeaderSource {

	/**
	 * Return every value of a header.
	 * @param name the header name
	 * @return the values in arrival order, empty if absent; a value that could not be
	 * read as text is {@code null}
	 */
	List<? extends @Nullable String> values(String name);

}
