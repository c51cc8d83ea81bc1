package dev.contextstarter.it.webflux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.contextstarter.test.RequestContextLeakCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile request IDs written as raw bytes over a socket (a normal client refuses to send
 * them): each is replaced by a fresh valid ID, never echoed and never logged. Values the
 * HTTP parser itself refuses (NUL, a bare line feed, an escape character) get a 400 that
 * carries a fresh ID too.
 */
@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.dev.contextstarter=DEBUG")
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
class HostileRequestIdTests {

	static final Pattern UUID_V4 = WebFluxRequestContextTests.UUID_V4;

	@LocalServerPort
	int port;

	static Stream<Arguments> hostileValues() {
		return Stream.of(Arguments.of("empty", ""), Arguments.of("whitespace", "   "),
				Arguments.of("129 characters", "a".repeat(129)), Arguments.of("8000 characters", "b".repeat(8000)),
				Arguments.of("forged log line after LF", "abc\nINFO forged"), Arguments.of("NUL", "abc\u0000def"),
				Arguments.of("tab", "abc\tdef"), Arguments.of("encoded CRLF", "abc%0d%0aX-Encoded: 1"),
				Arguments.of("semicolon header", "; X-Hacked-Header: Stuff"), Arguments.of("e acute", "caf\u00e9"),
				Arguments.of("line separator", "abc\u2028def"), Arguments.of("right-to-left override", "abc\u202Edef"),
				Arguments.of("emoji", "abc\uD83D\uDE00"), Arguments.of("jndi lookup", "${jndi:ldap://x/a}"),
				Arguments.of("json", "{\"a\":1}"), Arguments.of("ansi colour", "\u001B[31mred\u001B[0m"),
				Arguments.of("comma list", "a,b"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileValues")
	void hostileValueIsReplacedNeverEchoedNeverLogged(String description, String value, CapturedOutput output)
			throws IOException {
		RawResponse response = send(header("X-Request-ID", value));
		// 400 where Reactor Netty's HTTP parser refuses the header line before the
		// application runs.
		assertThat(response.status()).as(description).isIn(200, 400);
		String id = response.header("x-request-id");
		assertThat(id).as(description).matches(UUID_V4);
		assertThat(response.text()).as(description).doesNotContain(marker(value));
		assertThat(output.getAll()).as(description).doesNotContain(marker(value));
	}

	@Test
	void splitHeaderLineIsTwoHeadersOfWhichOnlyTheIdIsUsed(CapturedOutput output) throws IOException {
		// Over the wire, CR LF ends the header line: the server sees ID "abc" and a
		// second header.
		RawResponse response = send(header("X-Request-ID", "abc\r\nX-Injected: 1"));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("x-request-id")).isEqualTo("abc");
		assertThat(response.header("x-injected")).isNull();
		assertThat(output.getAll()).doesNotContain("X-Injected");
	}

	@Test
	void twoHeaderInstancesAreReplaced(CapturedOutput output) throws IOException {
		RawResponse response = send(header("X-Request-ID", "first-one") + header("X-Request-ID", "second-one"));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("x-request-id")).matches(UUID_V4);
		assertThat(response.text()).doesNotContain("first-one").doesNotContain("second-one");
		assertThat(output.getAll()).doesNotContain("first-one").doesNotContain("second-one");
	}

	@Test
	void headerNameInAnyCaseIsAccepted() throws IOException {
		assertThat(send(header("x-request-id", "lower-1")).header("x-request-id")).isEqualTo("lower-1");
		assertThat(send(header("X-REQUEST-ID", "upper-1")).header("x-request-id")).isEqualTo("upper-1");
		assertThat(send(header("x-ReQuEsT-iD", "mixed-1")).header("x-request-id")).isEqualTo("mixed-1");
	}

	@Test
	void aRequestRefusedAfterAnotherOnTheSameConnectionGetsAFreshId() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: kept-1\r\n\r\n"
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			RawResponse served = readOneResponse(in);
			assertThat(served.status()).isEqualTo(200);
			assertThat(served.header("x-request-id")).isEqualTo("kept-1");
			// The parser refuses this one before the application sees it.
			out.write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: abc\u0000def\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.UTF_8));
			out.flush();
			ByteArrayOutputStream rest = new ByteArrayOutputStream();
			in.transferTo(rest);
			RawResponse refused = new RawResponse(rest.toString(StandardCharsets.UTF_8));
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.header("x-request-id")).matches(UUID_V4);
		}
	}

	/** The part of a hostile value that must never come back or reach a log. */
	private static String marker(String value) {
		String trimmed = value.strip();
		if (trimmed.isEmpty()) {
			return "\u0000never-present\u0000";
		}
		if (value.equals("abc\nINFO forged")) {
			return "INFO forged";
		}
		return trimmed;
	}

	private static String header(String name, String value) {
		return name + ": " + value + "\r\n";
	}

	private RawResponse send(String headers) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			String request = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n";
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			in.transferTo(bytes);
			return new RawResponse(bytes.toString(StandardCharsets.UTF_8));
		}
	}

	/**
	 * Read one response with a {@code Content-Length} body, leaving the connection open.
	 */
	private static RawResponse readOneResponse(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int next = in.read();
			assertThat(next).as("end of the response head").isNotNegative();
			head.write(next);
		}
		RawResponse response = new RawResponse(head.toString(StandardCharsets.UTF_8));
		String length = response.header("content-length");
		assertThat(length).as("content-length").isNotNull();
		byte[] body = in.readNBytes(Integer.parseInt(length));
		return new RawResponse(response.text() + new String(body, StandardCharsets.UTF_8));
	}

	record RawResponse(String text) {

		int status() {
			Matcher matcher = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(this.text);
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
		}

		String header(String name) {
			List<String> values = new ArrayList<>();
			for (String line : this.text.split("\r\n")) {
				if (line.isEmpty()) {
					break;
				}
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(name)) {
					values.add(line.substring(colon + 1).trim());
				}
			}
			assertThat(values).as("instances of " + name).hasSizeLessThanOrEqualTo(1);
			return values.isEmpty() ? null : values.get(0);
		}

	}

}
