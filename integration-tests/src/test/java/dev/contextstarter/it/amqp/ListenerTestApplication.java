package dev.contextstarter.it.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.retry.RejectAndDontRequeueRecoverer;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.handler.annotation.SendTo;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.amqp.AmqpRequestContexts;

/**
 * Listeners of every kind the AMQP tests exercise. Each records what it saw in
 * {@link #SEEN}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ListenerTestApplication {

	static final String SIMPLE = "ctx.it.simple";

	static final String DIRECT = "ctx.it.direct";

	static final String MONO = "ctx.it.mono";

	static final String FUTURE = "ctx.it.future";

	static final String SYNC = "ctx.it.sync";

	static final String MONO_FAILING = "ctx.it.mono-failing";

	static final String REPLIES = "ctx.it.replies";

	static final String BATCH = "ctx.it.batch";

	private static final Logger logger = LoggerFactory.getLogger(ListenerTestApplication.class);

	static final BlockingQueue<Seen> SEEN = new LinkedBlockingQueue<>();

	private static final Executor plainExecutor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "plain-hop");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * What one listener invocation saw.
	 *
	 * @param listener which listener
	 * @param label the message body
	 * @param requestId the holder's request ID
	 * @param mdcRequestId the MDC's request ID
	 * @param thread the thread name
	 * @param batchId the batch's own ID, for batch items
	 */
	record Seen(String listener, String label, @Nullable String requestId, @Nullable String mdcRequestId, String thread,
			@Nullable String batchId) {
	}

	static void record(String listener, Message message, @Nullable String batchId) {
		String label = new String(message.getBody(), StandardCharsets.UTF_8);
		logger.info("{} handling {}", listener, label);
		SEEN.add(new Seen(listener, label, RequestIdContextHolder.currentRequestId(), MDC.get("requestId"),
				Thread.currentThread().getName(), batchId));
		if (label.startsWith("throw")) {
			throw new IllegalStateException("listener failed on purpose for " + label);
		}
	}

	static String observed() {
		return RequestIdContextHolder.currentRequestId() + "|" + MDC.get("requestId") + "|"
				+ Thread.currentThread().getName();
	}

	@Bean
	SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Queue directQueue() {
		return new Queue(DIRECT, false, false, true);
	}

	@Bean
	Queue repliesQueue() {
		return new Queue(REPLIES, false, false, true);
	}

	/** Built by hand, with a plain MessageListener and its own retry advice. */
	@Bean
	DirectMessageListenerContainer directContainer(ConnectionFactory connectionFactory) {
		DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
		container.setQueueNames(DIRECT);
		container.setConsumersPerQueue(1);
		container.setDefaultRequeueRejected(false);
		// Long strings over 1,024 bytes arrive as a DataInputStream.
		container.setMessagePropertiesConverter(new DefaultMessagePropertiesConverter(1024, true));
		container.setAdviceChain(RetryInterceptorBuilder.stateless()
			.maxRetries(2)
			.backOffOptions(10, 1.0, 10)
			.recoverer(new RejectAndDontRequeueRecoverer())
			.build());
		container.setMessageListener((message) -> record("direct", message, null));
		return container;
	}

	/** A user factory for batch listeners. */
	@Bean
	SimpleRabbitListenerContainerFactory batchFactory(ConnectionFactory connectionFactory) {
		SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
		factory.setConnectionFactory(connectionFactory);
		factory.setBatchListener(true);
		factory.setConsumerBatchEnabled(true);
		factory.setBatchSize(4);
		factory.setReceiveTimeout(200L);
		factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
		return factory;
	}

	@Bean
	Listeners listeners(AmqpRequestContexts contexts) {
		return new Listeners(contexts);
	}

	static class Listeners {

		private final AmqpRequestContexts contexts;

		Listeners(AmqpRequestContexts contexts) {
			this.contexts = contexts;
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = SIMPLE,
				durable = "false", autoDelete = "true"))
		void simple(Message message) {
			record("simple", message, null);
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = MONO,
				durable = "false", autoDelete = "true"))
		@SendTo(REPLIES)
		Mono<String> mono(Message message) {
			String before = observed();
			logger.info("mono listener subscribed");
			return Mono.delay(Duration.ofMillis(20)).map((tick) -> {
				logger.info("mono listener after thread hop");
				return before + "~" + observed();
			});
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = MONO_FAILING,
				durable = "false", autoDelete = "true"))
		Mono<String> monoFailing(String label) {
			return Mono.delay(Duration.ofMillis(20))
				.then(Mono.<String>error(new IllegalStateException("async failure on purpose for " + label)))
				.doOnError((error) -> logger.warn("mono listener failed after thread hop: {}", error.getMessage()));
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = FUTURE,
				durable = "false", autoDelete = "true"))
		CompletableFuture<String> future(Message message) {
			String before = observed();
			// Completed later by a plain executor thread that no Reactor scheduler knows
			// about.
			return Mono
				.fromFuture(() -> CompletableFuture.supplyAsync(() -> "done",
						CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, plainExecutor)))
				.map((done) -> {
					logger.info("future listener after thread hop");
					return before + "~" + observed();
				})
				.toFuture();
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = SYNC,
				durable = "false", autoDelete = "true"))
		@SendTo(REPLIES)
		String sync(Message message) {
			return observed();
		}

		@RabbitListener(queuesToDeclare = @org.springframework.amqp.rabbit.annotation.Queue(name = BATCH,
				durable = "false", autoDelete = "true"), containerFactory = "batchFactory")
		void batch(List<Message> messages) {
			String batchId = RequestIdContextHolder.currentRequestId();
			logger.info("batch of {}", messages.size());
			for (Message message : messages) {
				try (var scope = this.contexts.open(message)) {
					record("batch", message, batchId);
				}
				if (!java.util.Objects.equals(RequestIdContextHolder.currentRequestId(), batchId)) {
					throw new IllegalStateException("batch context not restored");
				}
			}
		}

	}

}
