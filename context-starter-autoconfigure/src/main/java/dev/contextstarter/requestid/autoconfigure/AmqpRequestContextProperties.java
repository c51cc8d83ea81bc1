package dev.contextstarter.requestid.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the request context over RabbitMQ.
 */
@ConfigurationProperties("context.amqp")
public class AmqpRequestContextProperties implements Validator {

	/**
	 * Whether outgoing RabbitMQ messages carry the request context and listeners run inside
	 * the context of the message they handle.
	 */
	private boolean enabled = true;

	/**
	 * AMQP header carrying the request ID. Context fields travel under their HTTP header name
	 * in lower case.
	 */
	private String header = "x-request-id";

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
	}

}
