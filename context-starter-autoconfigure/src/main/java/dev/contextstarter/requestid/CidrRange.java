package dev.contextstarter.requestid;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation, such as {@code 10.0.0.0/8} or
 * {@code ::1/128}. A bare address is a range of one.
 * <p>
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.1.1}, what a dual-stack socket may
 * report for an IPv4 client) are the IPv4 addresses they carry: they match IPv4 ranges,
 * and a range written in the mapped form ({@code ::ffff:10.0.0.0/104}) is the IPv4 range
 * {@code 10.0.0.0/8}, matching both forms of its addresses. Other IPv6 addresses,
 * including the deprecated IPv4-compatible form {@code ::10.1.1.1}, never match an IPv4
 * range.
 */
public final class CidrRange {

	/** The bits of {@code ::ffff:0:0/96} in front of an IPv4-mapped address. */
	private static final int MAPPED_PREFIX_BITS = 96;

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
		// InetAddress turns an IPv4-mapped literal into its IPv4 address: its prefix
		// counts the 96 bits of the mapping too.
		boolean mapped = bytes.length == 4 && address.indexOf(':') >= 0;
		int mappingBits = mapped ? MAPPED_PREFIX_BITS : 0;
		int maxPrefix = mappingBits + bytes.length * 8;
		int prefix = maxPrefix;
		if (slash >= 0) {
			String digits = trimmed.substring(slash + 1);
			if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
				throw new IllegalArgumentException("'" + notation + "' has no valid prefix length");
			}
			prefix = Integer.parseInt(digits);
			if (prefix > maxPrefix) {
				throw new IllegalArgumentException("'" + notation + "' has a prefix length above " + maxPrefix);
			}
			if (prefix < mappingBits) {
				throw new IllegalArgumentException(
						"'" + notation + "' reaches beyond the IPv4-mapped addresses ::ffff:0:0/96;"
								+ " write an IPv4 range or an IPv6 range without the mapped form");
			}
		}
		return new CidrRange(trimmed, bytes, prefix - mappingBits);
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
	 * Whether the address lies in this range. IPv4 and IPv6 ranges never match each
	 * other, except through IPv4-mapped addresses, which count as the IPv4 address they
	 * carry.
	 * @param address the address
	 * @return whether it matches
	 */
	boolean contains(InetAddress address) {
		byte[] candidate = unmapped(address.getAddress());
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

	private static byte[] unmapped(byte[] address) {
		if (address.length != 16) {
			return address;
		}
		for (int i = 0; i < 10; i++) {
			if (address[i] != 0) {
				return address;
			}
		}
		if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
			return address;
		}
		return new byte[] { address[12], address[13], address[14], address[15] };
	}

	@Override
	public String toString() {
		return this.notation;
	}

}
