package dev.contextstarter.it.webflux;

import org.junit.jupiter.api.AfterAll;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests whose application calls a second real server through {@code WebClient}:
 * starts the {@link DownstreamServer} and points {@code downstream.url} at it.
 */
abstract class DownstreamServerTests {

	static final DownstreamServer downstream = DownstreamServer.start();

	@DynamicPropertySource
	static void downstreamUrl(DynamicPropertyRegistry registry) {
		registry.add("downstream.url", downstream::url);
	}

	@AfterAll
	static void stopDownstream() {
		downstream.close();
	}

}
