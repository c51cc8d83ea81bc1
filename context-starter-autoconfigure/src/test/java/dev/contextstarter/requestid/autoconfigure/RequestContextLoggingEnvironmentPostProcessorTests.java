package dev.contextstarter.requestid.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class RequestContextLoggingEnvironmentPostProcessorTests {

	private final RequestContextLoggingEnvironmentPostProcessor postProcessor = new RequestContextLoggingEnvironmentPostProcessor();

	@Test
	void contributesCorrelationPatternWithTheMdcKey() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.pattern.correlation")).isEqualTo("[%X{requestId:-}] ");
	}

	@Test
	void usesTheConfiguredMdcKey() {
		MockEnvironment environment = new MockEnvironment().withProperty("context.request-id.mdc-key", "rid");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.pattern.correlation")).isEqualTo("[%X{rid:-}] ");
	}

	@Test
	void keepsBootsTraceAndSpanIdsWhenBootExpectsCorrelationIds() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		// set later, as Boot's tracing post-processor may run after this one
		environment.setProperty("logging.expect-correlation-id", "true");
		assertThat(environment.getProperty("logging.pattern.correlation"))
			.isEqualTo("[%X{requestId:-}] %correlationId");
	}

	@Test
	void leavesTheUsersPatternAlone() {
		MockEnvironment environment = new MockEnvironment().withProperty("logging.pattern.correlation", "<%X{x}>");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.pattern.correlation")).isEqualTo("<%X{x}>");
	}

	@Test
	void contributesNothingWhenTurnedOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("context.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.pattern.correlation")).isNull();
	}

}
