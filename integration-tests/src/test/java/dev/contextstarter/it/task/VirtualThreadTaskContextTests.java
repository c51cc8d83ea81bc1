package dev.contextstarter.it.task;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same rows with {@code spring.threads.virtual.enabled=true}: Boot's
 * {@code applicationTaskExecutor} is then a virtual-thread
 * {@code SimpleAsyncTaskExecutor}. Needs Java 21+; the build runs it in its own surefire
 * execution on a newer JDK (see the integration tests' pom).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@TestPropertySource(properties = "spring.threads.virtual.enabled=true")
class VirtualThreadTaskContextTests extends TaskContextTests {

	@Override
	void assertThreadKind(String asyncBody) {
		assertThat(asyncBody).contains("VirtualThread");
	}

}
