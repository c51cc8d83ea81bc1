package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.ListenerExecutionFailedException;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RequestContextErrorHandlerTests {

	private final AmqpRequestContexts contexts = new AmqpRequestContexts(RequestIdPolicy.defaults(), "x-request-id",
			List.of());

	private final List<String> seen = new ArrayList<>();

	@AfterEach
	void noContextLeft() {
		assertThat(RequestIdContextHolder.current()).isNull();
		assertThat(MDC.get("requestId")).isNull();
	}

	@Test
	void delegateRunsInTheFailedMessageContextAndItsExceptionPropagates() {
		RequestContextErrorHandler handler = new RequestContextErrorHandler((error) -> {
			this.seen.add(RequestIdContextHolder.currentRequestId() + "/" + MDC.get("requestId"));
			throw new AmqpRejectAndDontRequeueException("rejected", error);
		}, () -> this.contexts);
		MessageProperties properties = new MessageProperties();
		properties.setHeader("x-request-id", "failed-1");
		Message message = new Message(new byte[0], properties);
		assertThatExceptionOfType(AmqpRejectAndDontRequeueException.class).isThrownBy(() -> handler
			.handleError(new ListenerExecutionFailedException("failed", new IllegalStateException(), message)));
		assertThat(this.seen).containsExactly("failed-1/failed-1");
	}

	@Test
	void errorsWithoutOneFailedMessageAreHandledWithoutAContext() {
		RequestContextErrorHandler handler = new RequestContextErrorHandler(
				(error) -> this.seen.add(String.valueOf(RequestIdContextHolder.currentRequestId())),
				() -> this.contexts);
		handler.handleError(new IllegalStateException("not a listener failure"));
		assertThat(this.seen).containsExactly("null");
	}

}
