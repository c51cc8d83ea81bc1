package dev.contextstarter.requestid;

/**
 * Told each time an inbound request ID is replaced, for example to count it in a metric.
 */
@FunctionalInterface
public interface RequestIdRejectionListener {

	/** A listener that does nothing. */
	RequestIdRejectionListener NONE = (source, reason) -> {
	};

	/**
	 * Called when an inbound ID was replaced by a generated one.
	 * @param source where the ID came from, such as {@code http} or {@code amqp}
	 * @param reason why it was replaced
	 */
	void rejected(String source, RequestIdRejection reason);

}
