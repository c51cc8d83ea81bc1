package dev.contextstarter.requestid;

/**
 * Whose request IDs are accepted.
 */
public enum RequestIdTrust {

	/** Accept any valid inbound ID. */
	IF_VALID,

	/** Never accept an inbound ID: an edge service that always starts a new one. */
	NEVER,

	/** Accept a valid ID only from peers within the configured trusted proxy ranges. */
	TRUSTED_PROXIES

}
