package dev.contextstarter.requestid;

/**
 * Why an inbound request ID was not used and a new one was generated instead.
 */
public enum RequestIdRejection {

	/** No ID arrived. */
	MISSING,

	/**
	 * The ID had characters outside {@code [A-Za-z0-9_.:+/=-]} or a length out of bounds.
	 */
	INVALID,

	/** The header arrived more than once. */
	MULTIPLE,

	/** The sender is not trusted to choose the ID. */
	UNTRUSTED;

	/**
	 * The value used as a metric tag.
	 * @return the lowercase name
	 */
	public String tagValue() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
