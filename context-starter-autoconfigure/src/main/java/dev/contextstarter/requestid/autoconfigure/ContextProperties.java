package dev.contextstarter.requestid.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.contextstarter.requestid.ContextField;

/**
 * Top-level configuration of context-starter: the master switch and the context fields.
 */
@ConfigurationProperties("context")
public class ContextProperties implements Validator {

	/**
	 * Whether context-starter is enabled at all; each feature also has its own switch.
	 */
	private boolean enabled = true;

	/**
	 * Fields carried with the request ID (for example a tenant ID), by field name.
	 */
	private Map<String, Field> fields = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Field> getFields() {
		return this.fields;
	}

	public void setFields(Map<String, Field> fields) {
		this.fields = fields;
	}

	/**
	 * The configured fields.
	 * @return the fields, in configuration order
	 */
	public List<ContextField> contextFields() {
		return this.fields.entrySet()
			.stream()
			.map((entry) -> new ContextField(entry.getKey(), String.valueOf(entry.getValue().getHeader()),
					entry.getValue().mdcKeyOr(entry.getKey())))
			.toList();
	}

	@Override
	public boolean supports(Class<?> type) {
		return ContextProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		ContextProperties properties = (ContextProperties) target;
		properties.getFields().forEach((name, field) -> {
			String header = field.getHeader();
			if (header == null || !RequestIdProperties.isToken(header)) {
				errors.rejectValue("fields[" + name + "].header", "token",
						"context.fields." + name + ".header must be a valid HTTP header name");
			}
			if (field.getMdcKey() != null && !RequestIdProperties.isToken(field.getMdcKey())) {
				errors.rejectValue("fields[" + name + "].mdcKey", "token",
						"context.fields." + name + ".mdc-key must be a non-empty key without spaces");
			}
		});
	}

	/**
	 * One context field.
	 */
	public static class Field {

		/**
		 * HTTP header carrying the field; lowercased, it is also the AMQP header.
		 */
		private @Nullable String header;

		/**
		 * MDC key of the field. Defaults to the field's name.
		 */
		private @Nullable String mdcKey;

		public @Nullable String getHeader() {
			return this.header;
		}

		public void setHeader(@Nullable String header) {
			this.header = header;
		}

		public @Nullable String getMdcKey() {
			return this.mdcKey;
		}

		public void setMdcKey(@Nullable String mdcKey) {
			this.mdcKey = mdcKey;
		}

		String mdcKeyOr(String fallback) {
			return (this.mdcKey != null) ? this.mdcKey : fallback;
		}

	}

}
