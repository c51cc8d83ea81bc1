package dev.contextstarter.requestid;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an inbound request ID may be used, and creates a new one when it may
 * not.
 * <p>
 * Valid means ASCII {@code [A-Za-z0-9_.:+/=-]} only, with a length within the configured
 * bounds. An ID that is missing, invalid, sent more than once or sent by an untrusted
 * peer is discarded entirely and replaced: never stripped or truncated, since that would
 * keep text an attacker chose. Replacements are reported to the
 * {@link RequestIdRejectionListener} and logged at DEBUG, without the rejected value.
 */
public final class RequestIdPolicy {

	/** The longest request ID ever accepted, whatever is configured. */
	public static final int HARD_MAX_LENGTH = 255;

	private static final Logger logger = LoggerFactory.getLogger(RequestIdPolicy.class);

	private static final boolean[] ALLOWED = new boolean[128];

	static {
		for (char c = 'a'; c <= 'z'; c++) {
			ALLOWED[c] = true;
		}
		for (char c = 'A'; c <= 'Z'; c++) {
			ALLOWED[c] = true;
		}
		for (char c = '0'; c <= '9'; c++) {
			ALLOWED[c] = true;
		}
		for (char c : "_.:+/=-".toCharArray()) {
			ALLOWED[c] = true;
		}
	}

	private final int minLength;

	private final int maxLength;

	private final RequestIdTrust trust;

	private final List<CidrRange> trustedProxies;

	private final boolean unixSocketPeersTrusted;

	private final RequestIdGenerator generator;

	private final RequestIdRejectionListener rejectionListener;

	/**
	 * Create a policy.
	 * @param minLength the shortest ID accepted (at least 1)
	 * @param maxLength the longest ID accepted (at most {@value #HARD_MAX_LENGTH})
	 * @param trust whose IDs are accepted
	 * @param trustedProxies the peers trusted under
	 * {@link RequestIdTrust#TRUSTED_PROXIES}
	 * @param generator creates replacement IDs
	 * @param rejectionListener told about every replacement
	 */
	public RequestIdPolicy(int minLength, int maxLength, RequestIdTrust trust, List<CidrRange> trustedProxies,
			RequestIdGenerator generator, RequestIdRejectionListener rejectionListener) {
		this(minLength, maxLength, trust, trustedProxies, false, generator, rejectionListener);
	}

	/**
	 * Create a policy.
	 * @param minLength the shortest ID accepted (at least 1)
	 * @param maxLength the longest ID accepted (at most {@value #HARD_MAX_LENGTH})
	 * @param trust whose IDs are accepted
	 * @param trustedProxies the peers trusted under
	 * {@link RequestIdTrust#TRUSTED_PROXIES}
	 * @param unixSocketPeersTrusted whether a peer connected over a Unix domain socket is
	 * trusted under {@link RequestIdTrust#TRUSTED_PROXIES}
	 * @param generator creates replacement IDs
	 * @param rejectionListener told about every replacement
	 */
	public RequestIdPolicy(int minLength, int maxLength, RequestIdTrust trust, List<CidrRange> trustedProxies,
			boolean unixSocketPeersTrusted, RequestIdGenerator generator,
			RequestIdRejectionListener rejectionListener) {
		if (minLength < 1 || maxLength < minLength || maxLength > HARD_MAX_LENGTH) {
			throw new IllegalArgumentException("Request ID length bounds must satisfy 1 <= min <= max <= "
					+ HARD_MAX_LENGTH + " but were " + minLength + ".." + maxLength);
		}
		this.minLength = minLength;
		this.maxLength = maxLength;
		this.trust = Objects.requireNonNull(trust, "trust must not be null");
		this.trustedProxies = List.copyOf(trustedProxies);
		this.unixSocketPeersTrusted = unixSocketPeersTrusted;
		this.generator = Objects.requireNonNull(generator, "generator must not be null");
		this.rejectionListener = Objects.requireNonNull(rejectionListener, "rejectionListener must not be null");
	}

	/**
	 * A policy with the defaults: 1 to 128 characters, any valid ID accepted, random
	 * UUIDs.
	 * @return the policy
	 */
	public static RequestIdPolicy defaults() {
		return new RequestIdPolicy(1, 128, RequestIdTrust.IF_VALID, List.of(), new RandomUuidGenerator(),
				RequestIdRejectionListener.NONE);
	}

	/**
	 * Whether a value is a valid request ID under this policy.
	 * @param candidate the value
	 * @return whether it is valid
	 */
	public boolean isValid(@Nullable CharSequence candidate) {
		return candidate != null && hasValidShape(candidate, this.minLength, this.maxLength);
	}

	/**
	 * Whether a value has the shape of a request ID or context field: allowed characters
	 * only, and a length within the bounds.
	 * @param candidate the value
	 * @param minLength the shortest length allowed
	 * @param maxLength the longest length allowed
	 * @return whether it is valid
	 */
	static boolean hasValidShape(CharSequence candidate, int minLength, int maxLength) {
		int length = candidate.length();
		if (length < minLength || length > maxLength) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = candidate.charAt(i);
			if (c >= 128 || !ALLOWED[c]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the peer of a connection may choose the request ID. Under
	 * {@link RequestIdTrust#TRUSTED_PROXIES} an IP peer is trusted when a range contains
	 * its address, a Unix domain socket peer only when such peers were trusted
	 * explicitly, and any other or unknown peer never.
	 * @param connectionPeer the address of the connection's other end (the socket's,
	 * never one taken from forwarded headers), or {@code null} if unknown
	 * @return whether IDs from it are accepted
	 */
	public boolean isTrustedPeer(@Nullable SocketAddress connectionPeer) {
		return switch (this.trust) {
			case IF_VALID -> true;
			case NEVER -> false;
			case TRUSTED_PROXIES -> isTrustedProxy(connectionPeer);
		};
	}

	private boolean isTrustedProxy(@Nullable SocketAddress connectionPeer) {
		if (connectionPeer instanceof InetSocketAddress inet) {
			// An unresolved address names a host, not a peer: never trusted.
			return !inet.isUnresolved() && isTrusted(inet.getAddress());
		}
		return connectionPeer != null && isUnixDomainSocket(connectionPeer) && this.unixSocketPeersTrusted;
	}

	private static boolean isUnixDomainSocket(SocketAddress address) {
		// Netty's own type, without depending on Netty.
		return address instanceof UnixDomainSocketAddress
				|| address.getClass().getName().equals("io.netty.channel.unix.DomainSocketAddress");
	}

	/**
	 * Whether a peer may choose the request ID.
	 * @param peer the peer's address, or {@code null} if unknown
	 * @return whether IDs from it are accepted
	 */
	boolean isTrusted(@Nullable InetAddress peer) {
		return switch (this.trust) {
			case IF_VALID -> true;
			case NEVER -> false;
			case TRUSTED_PROXIES ->
				peer != null && this.trustedProxies.stream().anyMatch((range) -> range.contains(peer));
		};
	}

	/**
	 * Check the values of one ID header.
	 * @param values every value of the header that arrived
	 * @param trusted whether the sender may choose the ID
	 * @return why the values cannot be used, or {@code null} when the single value can
	 */
	@Nullable RequestIdRejection check(List<? extends @Nullable String> values, boolean trusted) {
		if (values.isEmpty()) {
			return RequestIdRejection.MISSING;
		}
		if (values.size() > 1) {
			return RequestIdRejection.MULTIPLE;
		}
		if (!isValid(values.get(0))) {
			return RequestIdRejection.INVALID;
		}
		return trusted ? null : RequestIdRejection.UNTRUSTED;
	}

	/**
	 * Report a rejected inbound ID and create its replacement.
	 * @param source where the rejected ID came from
	 * @param reason why it was rejected
	 * @return a new ID
	 */
	public String replace(String source, RequestIdRejection reason) {
		this.rejectionListener.rejected(source, reason);
		String id = this.generator.generateId();
		if (logger.isDebugEnabled()) {
			// Never the raw value: it may carry line breaks or forged log text.
			logger.debug("Inbound request ID from " + source + " replaced by " + id + " (" + reason.tagValue() + ")");
		}
		return id;
	}

	/**
	 * Create a new request ID without any inbound candidate, for work that starts here
	 * (scheduled tasks, batches). Not counted as a rejection.
	 * @return a new ID
	 */
	public String newId() {
		return this.generator.generateId();
	}

	/**
	 * The configured trust mode.
	 * @return the trust mode
	 */
	public RequestIdTrust trust() {
		return this.trust;
	}

}
