package dev.contextstarter.requestid.amqp;

import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.LongString;
import org.jspecify.annotations.Nullable;

import dev.contextstarter.requestid.RequestIdPolicy;

/**
 * Reads AMQP header values as text for request ID validation, whatever type they arrived
 * as.
 * <p>
 * Spring AMQP hands over a header as a {@link String}, a {@code byte[]}, a
 * {@link LongString}, a {@link java.io.DataInputStream} (a long string over its
 * 1,024-byte limit), a number, a list (an AMQP array) or {@code null}. Text is decoded as
 * ASCII-compatible bytes; anything that cannot be a valid request ID (too long, a stream,
 * a map, a date) becomes {@code null}, which the policy rejects as invalid. Nothing here
 * throws, and nothing reads more than the longest possible ID.
 */
final class AmqpHeaderValues {

	private AmqpHeaderValues() {
	}

	/**
	 * Decode every value of one header.
	 * @param value the raw header value
	 * @return one entry per value (an AMQP array gives several), {@code null} for a value
	 * that cannot be a request ID
	 */
	static List<@Nullable String> decode(@Nullable Object value) {
		if (value instanceof List<?> list) {
			List<@Nullable String> values = new ArrayList<>(list.size());
			for (Object element : list) {
				values.add(decodeSingle(element));
			}
			return values;
		}
		List<@Nullable String> single = new ArrayList<>(1);
		single.add(decodeSingle(value));
		return single;
	}

	/**
	 * Decode one header value.
	 * @param value the raw value
	 * @return the text, or {@code null} when it cannot be a request ID
	 */
	static @Nullable String decodeSingle(@Nullable Object value) {
		if (value instanceof String text) {
			return text;
		}
		if (value instanceof LongString longString) {
			// Over the hard limit it can never be valid: do not copy it.
			return (longString.length() <= RequestIdPolicy.HARD_MAX_LENGTH) ? longString.toString() : null;
		}
		if (value instanceof byte[] bytes) {
			return (bytes.length <= RequestIdPolicy.HARD_MAX_LENGTH) ? new String(bytes, StandardCharsets.ISO_8859_1)
					: null;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
				|| value instanceof BigInteger) {
			return value.toString();
		}
		if (value instanceof InputStream) {
			// Spring AMQP only uses a stream for strings over 1,024 bytes: never a valid
			// ID.
			return null;
		}
		if (value instanceof CharSequence text) {
			return (text.length() <= RequestIdPolicy.HARD_MAX_LENGTH) ? text.toString() : null;
		}
		return null;
	}

}
