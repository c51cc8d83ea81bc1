package dev.contextstarter.requestid;

/**
 * Creates request IDs for requests and messages that arrive without a valid one. Declare
 * a bean of this type to replace the default {@link RandomUuidGenerator}. Generated IDs
 * must pass the configured {@link RequestIdPolicy}.
 */
@FunctionalInterface
public interface RequestIdGenerator {

	/**
	 * Create a new request ID.
	 * @return the ID
	 */
	String generateId();

}
