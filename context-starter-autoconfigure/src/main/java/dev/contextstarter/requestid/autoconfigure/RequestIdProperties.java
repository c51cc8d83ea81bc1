package dev.contextstarter.requestid.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.contextstarter.requestid.CidrRange;
import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdTrust;

/**
 * Configuration of inbound request IDs.
 */
@ConfigurationProperties("context.request-id")
public class RequestIdProperties implements Validator {

	/**
	 * Whether request IDs are read, generated and propagated.
	 */
	private boolean enabled = true;

	/**
	 * Headers that may carry an inbound request ID, in order of preference; the first is
	 * the primary one, set on every response and sent on outbound requests.
	 */
	private List<String> headers = new ArrayList<>(List.of("X-Request-ID"));

	/**
	 * Shortest inbound request ID accepted.
	 */
	private int minLength = 1;

	/**
	 * Longest inbound request ID accepted, at most 255.
	 */
	private int maxLength = 128;

	/**
	 * Whose inbound request IDs are accepted.
	 */
	private RequestIdTrust trust = RequestIdTrust.IF_VALID;

	/**
	 * Address ranges (CIDR, IPv4 or IPv6) of the proxies whose request IDs and context
	 * fields are accepted when trust is trusted-proxies; matched against the peer of the
	 * TCP connection (the last hop), never an address from forwarded headers.
	 */
	private List<String> trustedProxies = new ArrayList<>();

	/**
	 * Whether a peer connected over a Unix domain socket is a trusted proxy when trust is
	 * trusted-proxies.
	 */
	private boolean trustUnixSocketPeers;

	/**
	 * MDC key of the request ID.
	 */
	private String mdcKey = MdcMapping.DEFAULT_REQUEST_ID_KEY;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(List<String> headers) {
		this.headers = headers;
	}

	public int getMinLength() {
		return this.minLength;
	}

	public void setMinLength(int minLength) {
		this.minLength = minLength;
	}

	public int getMaxLength() {
		return this.maxLength;
	}

	public void setMaxLength(int maxLength) {
		this.maxLength = maxLength;
	}

	public RequestIdTrust getTrust() {
		return this.trust;
	}

	public void setTrust(RequestIdTrust trust) {
		this.trust = trust;
	}

	public List<String> getTrustedProxies() {
		return this.trustedProxies;
	}

	public void setTrustedProxies(List<String> trustedProxies) {
		this.trustedProxies = trustedProxies;
	}

	public boolean isTrustUnixSocketPeers() {
		return this.trustUnixSocketPeers;
	}

	public void setTrustUnixSocketPeers(boolean trustUnixSocketPeers) {
		this.trustUnixSocketPeers = trustUnixSocketPeers;
	}

	public String getMdcKey() {
		return this.mdcKey;
	}

	public void setMdcKey(String mdcKey) {
		this.mdcKey = mdcKey;
	}

	/**
	 * The trusted proxy ranges, parsed.
	 * @return the ranges
	 */
	List<CidrRange> trustedProxyRanges() {
		return this.trustedProxies.stream().map(CidrRange::parse).toList();
	}

	@Override
	public boolean supports(Class<?> type) {
		return RequestIdProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		RequestIdProperties properties = (RequestIdProperties) target;
		if (properties.getMinLength() < 1) {
			errors.rejectValue("minLength", "min", "context.request-id.min-length must be at least 1");
		}
		if (properties.getMaxLength() > RequestIdPolicy.HARD_MAX_LENGTH) {
			errors.rejectValue("maxLength", "max",
					"context.request-id.max-length must be at most " + RequestIdPolicy.HARD_MAX_LENGTH);
		}
		if (properties.getMinLength() > properties.getMaxLength()) {
			errors.rejectValue("minLength", "range",
					"context.request-id.min-length must not be greater than context.request-id.max-length ("
							+ properties.getMaxLength() + ")");
		}
		if (properties.getHeaders().isEmpty()
				|| properties.getHeaders().stream().anyMatch((header) -> !isToken(header))) {
			errors.rejectValue("headers", "token",
					"context.request-id.headers must list at least one valid HTTP header name");
		}
		if (!isToken(properties.getMdcKey())) {
			errors.rejectValue("mdcKey", "empty", "context.request-id.mdc-key must be a non-empty key without spaces");
		}
		for (int i = 0; i < properties.getTrustedProxies().size(); i++) {
			try {
				CidrRange.parse(properties.getTrustedProxies().get(i));
			}
			catch (IllegalArgumentException ex) {
				errors.rejectValue("trustedProxies[" + i + "]", "cidr",
						"context.request-id.trusted-proxies[" + i + "] is invalid: " + ex.getMessage());
			}
		}
		if (properties.getTrust() == RequestIdTrust.TRUSTED_PROXIES && properties.getTrustedProxies().isEmpty()
				&& !properties.isTrustUnixSocketPeers()) {
			errors.rejectValue("trustedProxies", "required",
					"context.request-id.trusted-proxies must list at least one CIDR range (or context.request-id.trust-unix-socket-peers be true) when context.request-id.trust is trusted-proxies");
		}
	}

	static boolean isToken(String value) {
		return !value.isEmpty()
				&& value.chars().allMatch((c) -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
	}

}
