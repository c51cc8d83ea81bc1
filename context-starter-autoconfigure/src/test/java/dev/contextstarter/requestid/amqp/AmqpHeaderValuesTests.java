package dev.contextstarter.requestid.amqp;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AmqpHeaderValuesTests {

	@Test
	void readsTextTypes() {
		assertThat(AmqpHeaderValues.decode("abc-1")).containsExactly("abc-1");
		assertThat(AmqpHeaderValues.decode("abc-1".getBytes(StandardCharsets.US_ASCII))).containsExactly("abc-1");
		assertThat(AmqpHeaderValues.decode(LongStringHelper.asLongString("abc-1"))).containsExactly("abc-1");
		assertThat(AmqpHeaderValues.decode(new StringBuilder("abc-1"))).containsExactly("abc-1");
	}

	@Test
	void readsIntegralNumbersAsTheirDecimalText() {
		assertThat(AmqpHeaderValues.decode(42)).containsExactly("42");
		assertThat(AmqpHeaderValues.decode(42L)).containsExactly("42");
		assertThat(AmqpHeaderValues.decode((short) 42)).containsExactly("42");
		assertThat(AmqpHeaderValues.decode(BigInteger.TEN)).containsExactly("10");
	}

	@Test
	void unreadableValuesBecomeNullSoThePolicyRejectsThem() {
		assertThat(AmqpHeaderValues.decode(null)).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(new DataInputStream(new ByteArrayInputStream(new byte[2000]))))
			.containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(Map.of("a", "b"))).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(new Date())).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(1.5d)).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(true)).containsExactly((String) null);
	}

	@Test
	void valuesLongerThanAnyValidIdAreNotCopied() {
		byte[] bytes = new byte[256];
		Arrays.fill(bytes, (byte) 'a');
		assertThat(AmqpHeaderValues.decode(bytes)).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(LongStringHelper.asLongString(bytes))).containsExactly((String) null);
		assertThat(AmqpHeaderValues.decode(Arrays.copyOf(bytes, 255)))
			.containsExactly(new String(bytes, 0, 255, StandardCharsets.US_ASCII));
	}

	@Test
	void anArrayGivesOneValuePerElement() {
		assertThat(AmqpHeaderValues.decode(List.of("a", "b".getBytes(StandardCharsets.US_ASCII)))).containsExactly("a",
				"b");
	}

	@Test
	void nonAsciiBytesStayNonAsciiSoTheyFailValidation() {
		String decoded = AmqpHeaderValues.decodeSingle("caf\u00e9".getBytes(StandardCharsets.UTF_8));
		assertThat(decoded).isNotNull().isNotEqualTo("cafe").matches((text) -> text.chars().anyMatch((c) -> c >= 128));
	}

}
