package dev.contextstarter.it.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.test.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code context.amqp.trust=trusted-users} against a real RabbitMQ broker: a message's ID
 * and tenant are accepted only when its {@code user-id} property names a trusted user,
 * and the broker itself refuses a publisher that names a user it did not log in as. The
 * tests publish as {@code guest}; {@code orders} is trusted too, but no connection here
 * is {@code orders}.
 */
@SpringBootTest(classes = AmqpPublisherTrustTests.TrustTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "context.amqp.trust=trusted-users", "context.amqp.trusted-users=guest,orders",
				"context.fields.tenant.header=X-Tenant-ID", "spring.rabbitmq.listener.simple.concurrency=1",
				"spring.rabbitmq.listener.simple.default-requeue-rejected=false" })
@DirtiesContext
class AmqpPublisherTrustTests {

	static final String QUEUE = "ctx.it.publisher-trust";

	static final BlockingQueue<Seen> SEEN = new LinkedBlockingQueue<>();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	private RabbitTemplate rabbitTemplate;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private ConnectionFactory connectionFactory;

	@Autowired
	private BeanFactory beanFactory;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void brokerIsRunning() {
		TestBroker.requireRunning();
	}

	@BeforeEach
	void clear() {
		SEEN.clear();
	}

	@Test
	void messageFromATrustedUserKeepsItsIdAndTenant() throws Exception {
		send("trusted", "guest", "chosen-" + this.run, "tenant-a");
		Seen seen = next();
		assertThat(seen.label()).isEqualTo("trusted");
		assertThat(seen.requestId()).isEqualTo("chosen-" + this.run);
		assertThat(seen.tenant()).isEqualTo("tenant-a");
		assertThat(seen.receivedUserId()).isEqualTo("guest");
	}

	@Test
	void templateSettingItsConnectionsUserAsUserIdIsTrusted() throws Exception {
		// The README's advice for publishers: the user-id their connection logs in with.
		RabbitTemplate publisher = new RabbitTemplate(this.connectionFactory);
		publisher.setBeanFactory(this.beanFactory);
		publisher.setUserIdExpressionString("@rabbitConnectionFactory.username");
		publisher.afterPropertiesSet();
		send(publisher, "expression", null, "chosen-" + this.run, "tenant-a");
		Seen seen = next();
		assertThat(seen.receivedUserId()).isEqualTo("guest");
		assertThat(seen.requestId()).isEqualTo("chosen-" + this.run);
		assertThat(seen.tenant()).isEqualTo("tenant-a");
	}

	@Test
	void messageWithoutUserIdGetsANewIdAndNoTenant() throws Exception {
		double rejectedBefore = rejectedUntrusted();
		send("anonymous", null, "chosen-" + this.run, "tenant-a");
		Seen seen = next();
		assertThat(seen.label()).isEqualTo("anonymous");
		assertThat(seen.requestId()).isNotEqualTo("chosen-" + this.run).matches("[0-9a-f-]{36}");
		assertThat(seen.tenant()).isNull();
		assertThat(rejectedUntrusted() - rejectedBefore).isEqualTo(1);
	}

	@Test
	void invalidTenantOfATrustedUserIsDroppedAndItsIdKept() throws Exception {
		send("bad-tenant", "guest", "chosen-" + this.run, "tenant a;drop");
		Seen seen = next();
		assertThat(seen.requestId()).isEqualTo("chosen-" + this.run);
		assertThat(seen.tenant()).isNull();
	}

	@Test
	void brokerRefusesAPublisherNamingAnotherUser() throws Exception {
		// Connected as guest, claiming to be the trusted user orders: RabbitMQ closes the
		// channel instead of delivering the message. A channel of our own, not the
		// template's cached proxy, which would open a fresh channel (without confirms)
		// for the next call once the broker closed the first.
		com.rabbitmq.client.ConnectionFactory rabbit = ((AbstractConnectionFactory) this.connectionFactory)
			.getRabbitConnectionFactory();
		try (Connection connection = rabbit.newConnection()) {
			Channel channel = connection.createChannel();
			channel.confirmSelect();
			AMQP.BasicProperties forged = new AMQP.BasicProperties.Builder().userId("orders")
				.headers(Map.of("x-request-id", "forged-" + this.run, "x-tenant-id", "tenant-f"))
				.build();
			assertThatException().isThrownBy(() -> {
				channel.basicPublish("", QUEUE, forged, "forged".getBytes(StandardCharsets.UTF_8));
				channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
			}).withStackTraceContaining("PRECONDITION_FAILED").withStackTraceContaining("orders");
		}
		// Messages on one queue with one consumer arrive in order: the forged one, had it
		// been delivered, would be seen before this one.
		send("after-forgery", "guest", "chosen-" + this.run, "tenant-a");
		Seen seen = next();
		assertThat(seen.label()).isEqualTo("after-forgery");
		assertThat(SEEN).isEmpty();
	}

	private void send(String label, @Nullable String userId, String requestId, String tenant) {
		send(this.rabbitTemplate, label, userId, requestId, tenant);
	}

	private static void send(RabbitTemplate template, String label, @Nullable String userId, String requestId,
			String tenant) {
		MessageProperties properties = new MessageProperties();
		properties.setUserId(userId);
		properties.setHeader("x-request-id", requestId);
		properties.setHeader("x-tenant-id", tenant);
		template.send("", QUEUE, new Message(label.getBytes(StandardCharsets.UTF_8), properties));
	}

	private static Seen next() throws InterruptedException {
		Seen seen = SEEN.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(seen).as("a message within " + TIMEOUT).isNotNull();
		return seen;
	}

	private double rejectedUntrusted() {
		var counter = this.meterRegistry.find("context.requestid.rejected")
			.tag("source", "amqp")
			.tag("reason", "untrusted")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	record Seen(String label, String requestId, @Nullable String tenant, @Nullable String receivedUserId) {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TrustTestApplication {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		TrustListener trustListener() {
			return new TrustListener();
		}

	}

	static class TrustListener {

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = QUEUE,
				durable = "false", autoDelete = "true"))
		void onMessage(Message message) {
			RequestIdContext context = RequestIdContextHolder.current();
			assertThat(context).isNotNull();
			SEEN.add(new Seen(new String(message.getBody(), StandardCharsets.UTF_8), context.requestId(),
					context.field("tenant"), message.getMessageProperties().getReceivedUserId()));
		}

	}

}
