package dev.contextstarter.requestid.amqp.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.contextstarter.requestid.amqp.AmqpTrust;

/**
 * Configuration of the request context over RabbitMQ.
 */
@ConfigurationProperties("context.amqp")
public class AmqpRequestContextProperties implements Validator {

	/**
	 * Whether outgoing RabbitMQ messages carry the request context and listeners run
	 * inside the context of the message they handle.
	 */
	private boolean enabled = true;

	/**
	 * AMQP header carrying the request ID. Context fields travel under their HTTP header
	 * name in lower case.
	 */
	private String header = "x-request-id";

	/**
	 * Whose request IDs and context fields listeners accept from a message: any publisher
	 * (if-valid), none (never), or only messages whose broker-validated user-id property
	 * names one of the trusted users (trusted-users).
	 */
	private AmqpTrust trust = AmqpTrust.IF_VALID;

	/**
	 * RabbitMQ users whose messages' request IDs and context fields are accepted when
	 * trust is trusted-users, matched against the message's user-id property.
	 */
	private List<String> trustedUsers = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHeader() {
		return this.header;
	}

	public void setHeader(String header) {
		this.header = header;
	}

	public AmqpTrust getTrust() {
		return this.trust;
	}

	public void setTrust(AmqpTrust trust) {
		this.trust = trust;
	}

	public List<String> getTrustedUsers() {
		return this.trustedUsers;
	}

	public void setTrustedUsers(List<String> trustedUsers) {
		this.trustedUsers = trustedUsers;
	}

	@Override
	public boolean supports(Class<?> type) {
		return AmqpRequestContextProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		AmqpRequestContextProperties properties = (AmqpRequestContextProperties) target;
		String header = properties.getHeader();
		// AMQP field names are short strings of at most 255 bytes.
		if (header == null || header.isBlank() || header.length() > 255
				|| header.chars().anyMatch((c) -> c <= 32 || c >= 127)) {
			errors.rejectValue("header", "invalid",
					"must be a non-empty header name of printable ASCII without spaces, at most 255 characters");
		}
		if (properties.getTrust() == AmqpTrust.TRUSTED_USERS && properties.getTrustedUsers().isEmpty()) {
			errors.rejectValue("trustedUsers", "required",
					"context.amqp.trusted-users must list at least one RabbitMQ user when context.amqp.trust is trusted-users");
		}
		if (properties.getTrustedUsers().stream().anyMatch(String::isBlank)) {
			errors.rejectValue("trustedUsers", "blank",
					"context.amqp.trusted-users must not contain a blank user name");
		}
	}

}
