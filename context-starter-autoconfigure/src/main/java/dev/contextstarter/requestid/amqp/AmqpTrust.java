package dev.contextstarter.requestid.amqp;

/**
 * Whose request IDs and context fields a listener accepts from a RabbitMQ message. A
 * message's headers are its publisher's claim; the broker vouches only for the
 * {@code user-id} property.
 */
public enum AmqpTrust {

	/** Accept a valid ID and valid fields from any publisher the broker let in. */
	IF_VALID,

	/** Never accept them: every message starts a new context. */
	NEVER,

	/**
	 * Accept them only from messages whose {@code user-id} property names a trusted user.
	 * RabbitMQ refuses a message whose {@code user-id} is not the publishing connection's
	 * user (unless that user has the {@code impersonator} tag), so the property names the
	 * publisher; a message without it is not trusted.
	 */
	TRUSTED_USERS

}
