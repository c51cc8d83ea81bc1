package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdTrust;

import static org.assertj.core.api.Assertions.assertThat;

class AmqpRequestContextsTests {

	private final List<String> rejections = new ArrayList<>();

	private final AmqpRequestContexts contexts = new AmqpRequestContexts(
			new RequestIdPolicy(1, 128, RequestIdTrust.IF_VALID, List.of(), new RandomUuidGenerator(),
					(source, reason) -> this.rejections.add(source + ":" + reason.tagValue())),
			"x-request-id", List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId")));

	@AfterEach
	void noContextLeft() {
		assertThat(RequestContextHolder.current()).isNull();
	}

	@Test
	void validIdAndFieldsAreUsedAsSent() {
		Message message = message("x-request-id", "abc-123");
		message.getMessageProperties().setHeader("x-tenant-id", "t1");
		RequestContext context = this.contexts.contextOf(message);
		assertThat(context.requestId()).isEqualTo("abc-123");
		assertThat(context.field("tenant")).isEqualTo("t1");
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void missingIdIsReplacedCountedOnceAndWrittenBackToTheMessage() {
		Message message = new Message(new byte[0], new MessageProperties());
		RequestContext first = this.contexts.contextOf(message);
		RequestContext second = this.contexts.contextOf(message);
		assertThat(first.requestId()).matches("[0-9a-f-]{36}");
		assertThat(second.requestId()).isEqualTo(first.requestId());
		assertThat((String) message.getMessageProperties().getHeader("x-request-id")).isEqualTo(first.requestId());
		assertThat(this.rejections).containsExactly("amqp:missing");
	}

	@Test
	void invalidIdIsDiscardedEntirely() {
		Message message = message("x-request-id", "abc 123\n");
		RequestContext context = this.contexts.contextOf(message);
		assertThat(context.requestId()).doesNotContain("abc");
		assertThat(this.rejections).containsExactly("amqp:invalid");
	}

	@Test
	void idInAnArrayOfTwoIsRejectedAsMultiple() {
		Message message = message("x-request-id", List.of("a", "b"));
		assertThat(this.contexts.contextOf(message).requestId()).isNotIn("a", "b");
		assertThat(this.rejections).containsExactly("amqp:multiple");
	}

	@Test
	void headerInAnotherLetterCaseIsAccepted() {
		Message message = message("X-Request-ID", "abc-123");
		assertThat(this.contexts.contextOf(message).requestId()).isEqualTo("abc-123");
	}

	@Test
	void stampKeepsHeadersTheCallerSetAndLeavesIdsAlone() {
		MessageProperties properties = new MessageProperties();
		properties.setCorrelationId("corr");
		properties.setMessageId("msg");
		properties.setHeader("x-tenant-id", "caller-tenant");
		this.contexts.stamp(properties, RequestContext.of("req-1").withField("tenant", "t1"));
		assertThat((String) properties.getHeader("x-request-id")).isEqualTo("req-1");
		assertThat((String) properties.getHeader("x-tenant-id")).isEqualTo("caller-tenant");
		assertThat(properties.getCorrelationId()).isEqualTo("corr");
		assertThat(properties.getMessageId()).isEqualTo("msg");

		MessageProperties callerSetId = new MessageProperties();
		callerSetId.setHeader("x-request-id", "caller-id");
		this.contexts.stamp(callerSetId, RequestContext.of("req-1"));
		assertThat((String) callerSetId.getHeader("x-request-id")).isEqualTo("caller-id");
	}

	@Test
	void openSwitchesToTheMessageContextAndRestoresThePreviousOne() {
		RequestContext batch = this.contexts.newContext();
		try (var batchScope = RequestContextHolder.open(batch)) {
			try (var scope = this.contexts.open(message("x-request-id", "m-1"))) {
				assertThat(RequestContextHolder.currentRequestId()).isEqualTo("m-1");
			}
			assertThat(RequestContextHolder.current()).isSameAs(batch);
		}
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void postProcessorStampsTheCurrentContextOnly() {
		RequestContextMessagePostProcessor postProcessor = new RequestContextMessagePostProcessor(() -> this.contexts);
		Message outside = postProcessor.postProcessMessage(new Message(new byte[0], new MessageProperties()));
		assertThat(outside.getMessageProperties().getHeaders()).doesNotContainKey("x-request-id");
		try (var scope = RequestContextHolder.open(RequestContext.of("req-9"))) {
			Message inside = postProcessor.postProcessMessage(new Message(new byte[0], new MessageProperties()));
			assertThat((String) inside.getMessageProperties().getHeader("x-request-id")).isEqualTo("req-9");
		}
	}

	private static Message message(String header, Object value) {
		MessageProperties properties = new MessageProperties();
		properties.setHeader(header, value);
		return new Message(new byte[0], properties);
	}

}
