package dev.contextstarter.it.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.ShutdownSignalException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;

import dev.contextstarter.it.ProjectScripts;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.test.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishes 5,000 messages with publisher confirms while every broker connection is
 * closed mid-stream ({@code rabbitmqctl close_all_connections}): every confirmed message
 * must be consumed (redelivery allowed), each under its own request ID.
 */
@SpringBootTest(classes = AmqpRequestContextFaultTests.FaultApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.rabbitmq.publisher-confirm-type=correlated",
				"spring.rabbitmq.listener.simple.auto-startup=false" })
@DirtiesContext
class AmqpRequestContextFaultTests {

	static final String QUEUE = "ctx.it.fault";

	static final int MESSAGES = 5000;

	private static final Logger logger = LoggerFactory.getLogger(AmqpRequestContextFaultTests.class);

	/** Every delivery, by message number. */
	static final Map<Integer, List<Delivery>> deliveries = new ConcurrentHashMap<>();

	/** Connection shutdowns the client saw, to prove the fault happened. */
	static final List<String> shutdowns = new CopyOnWriteArrayList<>();

	@Autowired
	private RabbitTemplate rabbitTemplate;

	@Autowired
	private AmqpAdmin amqpAdmin;

	@Autowired
	private SimpleMessageListenerContainer faultContainer;

	/**
	 * One delivery of one message.
	 *
	 * @param expectedId the ID the publisher sent it under
	 * @param requestId the holder's ID while the listener ran
	 * @param mdcRequestId the MDC's ID while the listener ran
	 * @param redelivered whether the broker flagged it as redelivered
	 */
	record Delivery(String expectedId, @Nullable String requestId, @Nullable String mdcRequestId, boolean redelivered) {

		boolean mismatched() {
			return !this.expectedId.equals(this.requestId) || !this.expectedId.equals(this.mdcRequestId);
		}

	}

	@BeforeAll
	static void brokerIsRunning() {
		TestBroker.requireRunning();
	}

	@AfterEach
	void deleteQueue() {
		this.faultContainer.stop();
		this.amqpAdmin.deleteQueue(QUEUE);
	}

	@Test
	void everyConfirmedMessageIsConsumedUnderItsOwnIdDespiteAllConnectionsClosingMidStream() throws Exception {
		this.amqpAdmin.purgeQueue(QUEUE, false);
		deliveries.clear();
		shutdowns.clear();
		this.faultContainer.start();
		String run = UUID.randomUUID().toString().substring(0, 8);

		int published = 0;
		int publishFailed = 0;
		int publishedBeforeClose = -1;
		List<CorrelationData> pending = new ArrayList<>(MESSAGES);
		CompletableFuture<String> closer = null;
		for (int n = 0; n < MESSAGES; n++) {
			if (n == 500) {
				closer = CompletableFuture.supplyAsync(() -> {
					try {
						return ProjectScripts.closeAllBrokerConnections("context-starter fault test");
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
			}
			if (closer != null && !closer.isDone()) {
				if (n == 4500) {
					// Make sure the connections close before the stream ends.
					closer.get(60, TimeUnit.SECONDS);
				}
				else {
					// Pace publishing while rabbitmqctl starts, so the close lands
					// mid-stream.
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
				}
			}
			if (closer != null && closer.isDone() && publishedBeforeClose < 0) {
				publishedBeforeClose = n;
			}
			String id = "fault-" + run + "-" + n;
			CorrelationData correlation = new CorrelationData(Integer.toString(n));
			try (var scope = RequestIdContextHolder.open(RequestIdContext.of(id))) {
				this.rabbitTemplate.convertAndSend("", QUEUE, n + ":" + id, correlation);
				published++;
				pending.add(correlation);
			}
			catch (AmqpException ex) {
				publishFailed++;
			}
		}
		assertThat(closer).isNotNull();
		String closeOutput = closer.get(60, TimeUnit.SECONDS);

		Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
		int nacked = 0;
		for (CorrelationData correlation : pending) {
			CorrelationData.Confirm confirm = correlation.getFuture().get(30, TimeUnit.SECONDS);
			if (confirm.ack()) {
				confirmed.add(Integer.valueOf(correlation.getId()));
			}
			else {
				nacked++;
			}
		}

		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> deliveries.keySet().containsAll(confirmed));

		List<Delivery> all = deliveries.values().stream().flatMap(List::stream).toList();
		long redelivered = all.stream().filter(Delivery::redelivered).count();
		long mismatched = all.stream().filter(Delivery::mismatched).count();
		long lost = confirmed.stream().filter((n) -> !deliveries.containsKey(n)).count();
		int consumed = deliveries.size();
		String counts = String.format(
				"AMQP fault test: published=%d publishFailed=%d confirmed=%d nacked=%d consumed=%d deliveries=%d "
						+ "redelivered=%d duplicates=%d mismatched=%d lost=%d connectionShutdownsSeen=%d "
						+ "closeCompletedBeforeMessage=%d",
				published, publishFailed, confirmed.size(), nacked, consumed, all.size(), redelivered,
				all.size() - consumed, mismatched, lost, shutdowns.size(), publishedBeforeClose);
		System.out.println(counts);
		logger.info(counts);
		logger.info("rabbitmqctl said: {}", closeOutput.strip());

		assertThat(shutdowns).as("connections closed by the broker").isNotEmpty();
		assertThat(publishedBeforeClose).as("connections closed before the stream ended").isBetween(501, MESSAGES - 1);
		assertThat(confirmed).as("confirmed messages").isNotEmpty();
		assertThat(lost).as("confirmed messages never consumed").isZero();
		assertThat(mismatched).as("deliveries handled under another message's ID").isZero();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FaultApplication {

		@Bean
		Queue faultQueue() {
			// Durable and not auto-delete: it must survive its consumers' connections
			// closing.
			return new Queue(QUEUE, true, false, false);
		}

		@Bean
		SimpleMessageListenerContainer faultContainer(CachingConnectionFactory connectionFactory) {
			connectionFactory.addConnectionListener(new ConnectionListener() {

				@Override
				public void onCreate(Connection connection) {
				}

				@Override
				public void onShutDown(ShutdownSignalException signal) {
					shutdowns.add(signal.getMessage());
				}

			});
			SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
			container.setQueueNames(QUEUE);
			container.setConcurrentConsumers(2);
			container.setPrefetchCount(50);
			container.setRecoveryInterval(200);
			container.setAutoStartup(false);
			container.setMessageListener((message) -> {
				String body = new String(message.getBody(), StandardCharsets.UTF_8);
				int colon = body.indexOf(':');
				int n = Integer.parseInt(body.substring(0, colon));
				Delivery delivery = new Delivery(body.substring(colon + 1), RequestIdContextHolder.currentRequestId(),
						MDC.get("requestId"), Boolean.TRUE.equals(message.getMessageProperties().getRedelivered()));
				deliveries.computeIfAbsent(n, (key) -> new CopyOnWriteArrayList<>()).add(delivery);
			});
			return container;
		}

	}

}
