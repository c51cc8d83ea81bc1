package dev.contextstarter.requestid;

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
	void rejectsMalformedRangesWithoutLookingUpHosts() {
		for (String bad : new String[] { "", "10.0.0.0/33", "10.0.0/8", "example.com/8", "10.0.0.0/", "10.0.0.0/-1",
				"::1/129", "10.0.0.0/8/8", "1.2.3.4.5" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> CidrRange.parse(bad));
		}
	}

}
