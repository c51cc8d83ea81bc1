package dev.contextstarter.it.webflux;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests whose application calls a second real server through
 * {@code WebClient}: starts a {@link DownstreamServer} for each test class and points
 * {@code downstream.url} at it. The subclasses use different properties, so none reuses
 * another's cached application context (and with it a stopped server's URL).
 */
abstract class DownstreamServerTests {

	static DownstreamServer downstream;

	@BeforeAll
	static void startDownstream() {
		downstream = DownstreamServer.start();
	}

	@DynamicPropertySource
	static void downstreamUrl(DynamicPropertyRegistry registry) {
		registry.add("downstream.url", () -> downstream.url());
	}

	@AfterAll
	static void stopDownstream() {
		downstream.close();
	}

}
