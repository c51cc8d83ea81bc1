package dev.contextstarter.requestid;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation, such as {@code 10.0.0.0/8} or
 * {@code ::1/128}. A bare address is a range of one.
 */
public final class CidrRange {

	private final String notation;

	private final byte[] network;

	private final int prefixLength;

	private CidrRange(String notation, byte[] network, int prefixLength) {
		this.notation = notation;
		this.network = network;
		this.prefixLength = prefixLength;
	}

	/**
	 * Parse a range. Only literal addresses are accepted: no host name is ever looked up.
	 * @param notation the range, such as {@code 192.168.0.0/16}
	 * @return the range
	 * @throws IllegalArgumentException if the notation is not a valid CIDR range
	 */
	public static CidrRange parse(String notation) {
		String trimmed = notation.trim();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		byte[] bytes = parseLiteral(address, notation);
		int maxPrefix = bytes.length * 8;
		int prefix = maxPrefix;
		if (slash >= 0) {
			String digits = trimmed.substring(slash + 1);
			if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("'" + notation + "' has no valid prefix length");
			}
			prefix = Integer.parseInt(digits);
			if (prefix > maxPrefix) {
				throw new IllegalArgumentException(
						"'" + notation + "' has a prefix length above " + maxPrefix);
			}
		}
		return new CidrRange(trimmed, bytes, prefix);
	}

	private static byte[] parseLiteral(String address, String notation) {
		boolean ipv4 = !address.isEmpty() && address.chars().allMatch((c) -> c == '.' || Character.isDigit(c));
		boolean ipv6 = address.indexOf(':') >= 0
				&& address.chars().allMatch((c) -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
		if (ipv4 && address.chars().filter((c) -> c == '.').count() != 3) {
			ipv4 = false;
		}
		if (!ipv4 && !ipv6) {
			throw new IllegalArgumentException("'" + notation + "' is not an IP address range");
		}
		try {
			// Literal-only input checked above, so this never performs a DNS lookup.
			return InetAddress.getByName(address).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("'" + notation + "' is not an IP address range", ex);
		}
	}

	/**
	 * Whether the address lies in this range. IPv4 and IPv6 ranges never match each other.
	 * @param address the address
	 * @return whether it matches
	 */
	public boolean contains(InetAddress address) {
		byte[] candidate = address.getAddress();
		if (candidate.length != this.network.length) {
			return false;
		}
		int fullBytes = this.prefixLength / 8;
		for (int i = 0; i < fullBytes; i++) {
			if (candidate[i] != this.network[i]) {
				return false;
			}
		}
		int remainingBits = this.prefixLength % 8;
		if (remainingBits == 0) {
			return true;
		}
		int mask = (0xFF << (8 - remainingBits)) & 0xFF;
		return (candidate[fullBytes] & mask) == (this.network[fullBytes] & mask);
	}

	@Override
	public String toString() {
		return this.notation;
	}

}
