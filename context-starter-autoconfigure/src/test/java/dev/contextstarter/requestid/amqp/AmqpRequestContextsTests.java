package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
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
		assertThat(RequestIdContextHolder.current()).isNull();
	}

	@Test
	void validIdAndFieldsAreUsedAsSent() {
		Message message = claiming("abc-123", "t1");
		RequestIdContext context = this.contexts.contextOf(message);
		assertThat(context.requestId()).isEqualTo("abc-123");
		assertThat(context.field("tenant")).isEqualTo("t1");
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void missingIdIsReplacedCountedOnceAndWrittenBackToTheMessage() {
		Message message = new Message(new byte[0], new MessageProperties());
		RequestIdContext first = this.contexts.contextOf(message);
		RequestIdContext second = this.contexts.contextOf(message);
		assertThat(first.requestId()).matches("[0-9a-f-]{36}");
		assertThat(second.requestId()).isEqualTo(first.requestId());
		assertThat((String) message.getMessageProperties().getHeader("x-request-id")).isEqualTo(first.requestId());
		assertThat(this.rejections).containsExactly("amqp:missing");
	}

	@Test
	void invalidIdIsDiscardedEntirely() {
		Message message = message("x-request-id", "abc 123\n");
		RequestIdContext context = this.contexts.contextOf(message);
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
		this.contexts.stamp(properties, RequestIdContext.of("req-1").withField("tenant", "t1"));
		assertThat((String) properties.getHeader("x-request-id")).isEqualTo("req-1");
		assertThat((String) properties.getHeader("x-tenant-id")).isEqualTo("caller-tenant");
		assertThat(properties.getCorrelationId()).isEqualTo("corr");
		assertThat(properties.getMessageId()).isEqualTo("msg");

		MessageProperties callerSetId = new MessageProperties();
		callerSetId.setHeader("x-request-id", "caller-id");
		this.contexts.stamp(callerSetId, RequestIdContext.of("req-1"));
		assertThat((String) callerSetId.getHeader("x-request-id")).isEqualTo("caller-id");
	}

	@Test
	void openSwitchesToTheMessageContextAndRestoresThePreviousOne() {
		RequestIdContext batch = this.contexts.newContext();
		try (var batchScope = RequestIdContextHolder.open(batch)) {
			try (var scope = this.contexts.open(message("x-request-id", "m-1"))) {
				assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo("m-1");
			}
			assertThat(RequestIdContextHolder.current()).isSameAs(batch);
		}
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void postProcessorStampsTheCurrentContextOnly() {
		RequestContextMessagePostProcessor postProcessor = new RequestContextMessagePostProcessor(() -> this.contexts);
		Message outside = postProcessor.postProcessMessage(new Message(new byte[0], new MessageProperties()));
		assertThat(outside.getMessageProperties().getHeaders()).doesNotContainKey("x-request-id");
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of("req-9"))) {
			Message inside = postProcessor.postProcessMessage(new Message(new byte[0], new MessageProperties()));
			assertThat((String) inside.getMessageProperties().getHeader("x-request-id")).isEqualTo("req-9");
		}
	}

	@Test
	void trustedUsersAcceptOnlyMessagesWhoseValidatedUserIdIsTrusted() {
		AmqpRequestContexts trustedUsers = codec(AmqpTrust.TRUSTED_USERS, "orders");
		Message fromOrders = claiming("chosen-1", "tenant-a");
		fromOrders.getMessageProperties().setReceivedUserId("orders");
		RequestIdContext trusted = trustedUsers.contextOf(fromOrders);
		assertThat(trusted.requestId()).isEqualTo("chosen-1");
		assertThat(trusted.field("tenant")).isEqualTo("tenant-a");

		for (String publisher : new String[] { null, "guest", "ORDERS", "orders " }) {
			Message other = claiming("chosen-2", "tenant-b");
			other.getMessageProperties().setReceivedUserId(publisher);
			// The outgoing user-id is what the sender wished; only the received one was
			// validated.
			other.getMessageProperties().setUserId("orders");
			RequestIdContext untrusted = trustedUsers.contextOf(other);
			assertThat(untrusted.requestId()).as(publisher).isNotEqualTo("chosen-2").matches("[0-9a-f-]{36}");
			assertThat(untrusted.field("tenant")).as(publisher).isNull();
		}
		assertThat(this.rejections).containsExactly("amqp:untrusted", "amqp:untrusted", "amqp:untrusted",
				"amqp:untrusted");
	}

	@Test
	void neverAcceptsNoPublishersIdOrFields() {
		Message message = claiming("chosen-1", "tenant-a");
		message.getMessageProperties().setReceivedUserId("orders");
		RequestIdContext context = codec(AmqpTrust.NEVER, "orders").contextOf(message);
		assertThat(context.requestId()).isNotEqualTo("chosen-1");
		assertThat(context.field("tenant")).isNull();
		assertThat(this.rejections).containsExactly("amqp:untrusted");
	}

	@Test
	void everyReadOfAnUntrustedMessageAgreesAndCountsOnce() {
		AmqpRequestContexts never = codec(AmqpTrust.NEVER);
		Message message = claiming("chosen-1", "tenant-a");
		RequestIdContext first = never.contextOf(message);
		assertThat(never.contextOf(message)).isSameAs(first);
		try (var scope = never.open(message)) {
			assertThat(RequestIdContextHolder.current()).isSameAs(first);
		}
		assertThat((String) message.getMessageProperties().getHeader("x-request-id")).isEqualTo(first.requestId());
		assertThat(this.rejections).containsExactly("amqp:untrusted");

		// An equal message that arrived separately is a message of its own.
		Message twin = claiming("chosen-1", "tenant-a");
		assertThat(never.contextOf(twin).requestId()).isNotEqualTo(first.requestId());
	}

	@Test
	void replyCarriesTheSettledIdAndOnlyAcceptedFields() {
		AmqpRequestContexts never = codec(AmqpTrust.NEVER);
		Message request = claiming("chosen-1", "tenant-a");
		RequestIdContext settled = never.contextOf(request);
		MessageProperties reply = new MessageProperties();
		never.copyToReply(request.getMessageProperties(), reply);
		assertThat((String) reply.getHeader("x-request-id")).isEqualTo(settled.requestId());
		assertThat(reply.getHeaders()).doesNotContainKey("x-tenant-id");

		Message trustedRequest = claiming("chosen-2", "bad tenant\n");
		MessageProperties trustedReply = new MessageProperties();
		this.contexts.copyToReply(trustedRequest.getMessageProperties(), trustedReply);
		assertThat((String) trustedReply.getHeader("x-request-id")).isEqualTo("chosen-2");
		assertThat(trustedReply.getHeaders()).doesNotContainKey("x-tenant-id");
	}

	private AmqpRequestContexts codec(AmqpTrust trust, String... trustedUsers) {
		return new AmqpRequestContexts(
				new RequestIdPolicy(1, 128, RequestIdTrust.IF_VALID, List.of(), new RandomUuidGenerator(),
						(source, reason) -> this.rejections.add(source + ":" + reason.tagValue())),
				"x-request-id", List.of(new ContextField("tenant", "X-Tenant-ID", "tenantId")), trust,
				List.of(trustedUsers));
	}

	/** A message whose publisher claims an ID and a tenant. */
	private static Message claiming(String requestId, String tenant) {
		Message message = message("x-request-id", requestId);
		message.getMessageProperties().setHeader("x-tenant-id", tenant);
		return message;
	}

	private static Message message(String header, Object value) {
		MessageProperties properties = new MessageProperties();
		properties.setHeader(header, value);
		return new Message(new byte[0], properties);
	}

}
