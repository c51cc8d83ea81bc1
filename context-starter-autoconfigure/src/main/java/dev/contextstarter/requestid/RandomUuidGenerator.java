package dev.contextstarter.requestid;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates canonical lowercase UUID version 4 strings from {@link ThreadLocalRandom}.
 * <p>
 * {@link java.util.UUID#randomUUID()} draws from one shared {@code SecureRandom} and
 * becomes a point of contention under load. A request ID is a label for following a
 * request, not a secret or a token, so a per-thread, non-cryptographic source is enough.
 */
public final class RandomUuidGenerator implements RequestIdGenerator {

	private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	@Override
	public String generateId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
		long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF
																				// variant
		byte[] text = new byte[36];
		writeHex(text, 0, high >>> 32, 8);
		text[8] = '-';
		writeHex(text, 9, high >>> 16, 4);
		text[13] = '-';
		writeHex(text, 14, high, 4);
		text[18] = '-';
		writeHex(text, 19, low >>> 48, 4);
		text[23] = '-';
		writeHex(text, 24, low, 12);
		return new String(text, java.nio.charset.StandardCharsets.ISO_8859_1);
	}

	private static void writeHex(byte[] text, int offset, long value, int digits) {
		for (int i = offset + digits - 1; i >= offset; i--) {
			text[i] = HEX[(int) (value & 0xF)];
			value >>>= 4;
		}
	}

}
