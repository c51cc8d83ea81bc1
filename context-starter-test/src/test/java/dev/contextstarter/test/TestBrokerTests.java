package dev.contextstarter.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TestBroker}, against the suite's real broker.
 */
class TestBrokerTests {

	@Test
	void theSuitesBrokerAnswers() {
		TestBroker.requireRunning();
	}

	@Test
	void uniqueNamesStartWithThePrefixAndDiffer() {
		String first = TestBroker.uniqueName("kit.test");
		String second = TestBroker.uniqueName("kit.test");
		assertThat(first).matches("kit\\.test\\.[0-9a-f]{8}");
		assertThat(second).startsWith("kit.test.").isNotEqualTo(first);
	}

}
