package dev.contextstarter.requestid;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrRangeTests {

	@Test
	void matchesWithinPrefix() throws Exception {
		CidrRange range = CidrRange.parse("192.168.16.0/20");
		assertThat(range.contains(InetAddress.getByName("192.168.16.1"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("192.168.31.255"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("192.168.32.0"))).isFalse();
		assertThat(range.contains(InetAddress.getByName("::1"))).isFalse();
		assertThat(CidrRange.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
		assertThat(CidrRange.parse("10.0.0.1").contains(InetAddress.getByName("10.0.0.1"))).isTrue();
		assertThat(CidrRange.parse("10.0.0.1").contains(InetAddress.getByName("10.0.0.2"))).isFalse();
		assertThat(CidrRange.parse("fd00::/8").contains(InetAddress.getByName("fd12::1"))).isTrue();
	}

	@Test
	void matchesIpv6RangesBitByBit() throws Exception {
		CidrRange documentation = CidrRange.parse("2001:db8:abcd:12::/63");
		assertThat(documentation.contains(InetAddress.getByName("2001:db8:abcd:12::1"))).isTrue();
		assertThat(documentation.contains(InetAddress.getByName("2001:db8:abcd:13:ffff:ffff:ffff:ffff"))).isTrue();
		assertThat(documentation.contains(InetAddress.getByName("2001:db8:abcd:14::"))).isFalse();
		assertThat(documentation.contains(InetAddress.getByName("2001:db8:abcd:11::1"))).isFalse();
		assertThat(CidrRange.parse("::1/128").contains(InetAddress.getByName("::1"))).isTrue();
		assertThat(CidrRange.parse("::1").contains(InetAddress.getByName("::2"))).isFalse();
		assertThat(CidrRange.parse("::/0").contains(InetAddress.getByName("fe80::1"))).isTrue();
		assertThat(CidrRange.parse("fe80::/10").contains(InetAddress.getByName("fe80::1%1"))).isTrue();
		assertThat(CidrRange.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
		// IPv6 ranges never match IPv4 peers, not even the whole IPv6 space.
		assertThat(CidrRange.parse("::/0").contains(InetAddress.getByName("10.1.1.1"))).isFalse();
		assertThat(CidrRange.parse("::1/128").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
	}

	@Test
	void ipv4MappedPeerMatchesItsIpv4Range() throws Exception {
		// What a dual-stack socket can report for an IPv4 client: kept as an
		// Inet6Address.
		InetAddress mapped = Inet6Address.getByAddress(null, mappedBytes(10, 1, 1, 1), -1);
		assertThat(mapped).isInstanceOf(Inet6Address.class);
		assertThat(CidrRange.parse("10.0.0.0/8").contains(mapped)).isTrue();
		assertThat(CidrRange.parse("10.1.1.1").contains(mapped)).isTrue();
		assertThat(CidrRange.parse("11.0.0.0/8").contains(mapped)).isFalse();
		assertThat(CidrRange.parse("0.0.0.0/0").contains(mapped)).isTrue();
		assertThat(CidrRange.parse("10.0.0.0/8").contains(InetAddress.getByName("::ffff:10.1.1.1"))).isTrue();
	}

	@Test
	void ipv4MappedRangeIsItsIpv4Range() throws Exception {
		CidrRange range = CidrRange.parse("::ffff:10.0.0.0/104");
		assertThat(range.contains(InetAddress.getByName("10.200.0.1"))).isTrue();
		assertThat(range.contains(Inet6Address.getByAddress(null, mappedBytes(10, 200, 0, 1), -1))).isTrue();
		assertThat(range.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
		assertThat(range.contains(Inet6Address.getByAddress(null, mappedBytes(11, 0, 0, 1), -1))).isFalse();
		assertThat(CidrRange.parse("::ffff:a00:0/104").contains(InetAddress.getByName("10.9.9.9"))).isTrue();
		assertThat(CidrRange.parse("::ffff:10.1.1.1").contains(InetAddress.getByName("10.1.1.1"))).isTrue();
		assertThat(CidrRange.parse("::ffff:10.1.1.1").contains(InetAddress.getByName("10.1.1.2"))).isFalse();
		assertThat(CidrRange.parse("::ffff:0.0.0.0/96").contains(InetAddress.getByName("192.0.2.1"))).isTrue();
		// The IPv6 space around the mapped block is not IPv4.
		assertThat(range.contains(InetAddress.getByName("::10.1.1.1"))).isFalse();
		assertThat(range.contains(InetAddress.getByName("64:ff9b::a01:101"))).isFalse();
	}

	@Test
	void ipv4CompatibleAddressIsNotItsIpv4Address() throws Exception {
		// The deprecated ::a.b.c.d form is an ordinary IPv6 address.
		assertThat(CidrRange.parse("10.0.0.0/8").contains(InetAddress.getByName("::10.1.1.1"))).isFalse();
		assertThat(CidrRange.parse("::/96").contains(InetAddress.getByName("::10.1.1.1"))).isTrue();
	}

	@Test
	void rejectsMappedRangesWiderThanTheMappedBlock() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("::ffff:0.0.0.0/95"))
			.withMessageContaining("::ffff:0:0/96");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("::ffff:10.0.0.0/129"));
	}

	private static byte[] mappedBytes(int a, int b, int c, int d) {
		byte[] bytes = new byte[16];
		bytes[10] = (byte) 0xFF;
		bytes[11] = (byte) 0xFF;
		bytes[12] = (byte) a;
		bytes[13] = (byte) b;
		bytes[14] = (byte) c;
		bytes[15] = (byte) d;
		return bytes;
	}

	@Test
	void rejectsMalformedRangesWithoutLookingUpHosts() {
		for (String bad : new String[] { "", "10.0.0.0/33", "10.0.0/8", "example.com/8", "10.0.0.0/", "10.0.0.0/-1",
				"::1/129", "10.0.0.0/8/8", "1.2.3.4.5", "fe80::1%eth0", "::ffff:10.0.0.0/8", "[::1]/128" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> CidrRange.parse(bad));
		}
	}

}
