package dev.contextstarter.it.amqp;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.amqp.rabbit.annotation.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.test.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end over real parts: an HTTP request publishes to RabbitMQ; the listener logs
 * and calls a second HTTP endpoint with WebClient, then logs again after the thread hop.
 * Every log line of the three hops carries the ID the HTTP caller sent.
 */
@SpringBootTest(classes = AmqpEndToEndTests.EndToEndApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class AmqpEndToEndTests {

	static final String QUEUE = "ctx.it.e2e";

	static final String FUTURE_QUEUE = "ctx.it.e2e-future";

	static final BlockingQueue<String> auditAnswers = new LinkedBlockingQueue<>();

	@LocalServerPort
	int port;

	@BeforeAll
	static void brokerIsRunning() {
		TestBroker.requireRunning();
	}

	@Test
	void everyLogLineOfTheThreeHopsCarriesTheCallersId(CapturedOutput output) throws Exception {
		threeHops(QUEUE, output);
	}

	@Test
	void theSameWithAListenerReturningACompletableFuture(CapturedOutput output) throws Exception {
		threeHops(FUTURE_QUEUE, output);
	}

	private void threeHops(String queue, CapturedOutput output) throws Exception {
		String id = "e2e-" + UUID.randomUUID();
		String order = "order-" + UUID.randomUUID().toString().substring(0, 8);
		String accepted = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri((uri) -> uri.path("/orders").queryParam("queue", queue).build())
			.header("X-Request-ID", id)
			.bodyValue(order)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		assertThat(accepted).isEqualTo("accepted " + order);

		// The audit endpoint saw the same ID in its holder, and answered the listener.
		assertThat(auditAnswers.poll(20, TimeUnit.SECONDS)).isEqualTo(order + " audited under " + id);

		List<String> hops = output.getAll().lines().filter((line) -> line.contains(order)).toList();
		assertThat(hops).hasSize(4);
		assertThat(hops).anySatisfy((line) -> assertThat(line).contains("http: accepted " + order))
			.anySatisfy((line) -> assertThat(line).contains("listener: handling " + order))
			.anySatisfy((line) -> assertThat(line).contains("audit: called for " + order))
			.anySatisfy((line) -> assertThat(line).contains("listener: audit answered for " + order));
		assertThat(hops).allSatisfy((line) -> assertThat(line).contains("[" + id + "]"));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ OrderController.class, OrderListener.class })
	static class EndToEndApplication {

	}

	@RestController
	static class OrderController {

		private static final Logger logger = LoggerFactory.getLogger(OrderController.class);

		private final RabbitTemplate rabbitTemplate;

		OrderController(RabbitTemplate rabbitTemplate) {
			this.rabbitTemplate = rabbitTemplate;
		}

		@PostMapping("/orders")
		Mono<String> accept(@RequestBody String order,
				@org.springframework.web.bind.annotation.RequestParam String queue) {
			// Publishing blocks: do it on boundedElastic, as a reactive service would.
			return Mono.fromRunnable(() -> {
				logger.info("http: accepted {}", order);
				this.rabbitTemplate.convertAndSend("", queue, order);
			}).subscribeOn(Schedulers.boundedElastic()).thenReturn("accepted " + order);
		}

		@GetMapping("/audit")
		Mono<String> audit(@org.springframework.web.bind.annotation.RequestParam String order) {
			logger.info("audit: called for {}", order);
			return Mono.just(order + " audited under " + RequestIdContextHolder.currentRequestId());
		}

	}

	static class OrderListener {

		private static final Logger logger = LoggerFactory.getLogger(OrderListener.class);

		private final WebClient.Builder webClientBuilder;

		private final Environment environment;

		OrderListener(WebClient.Builder webClientBuilder, Environment environment) {
			this.webClientBuilder = webClientBuilder;
			this.environment = environment;
		}

		@RabbitListener(queuesToDeclare = @Queue(name = QUEUE, durable = "false", autoDelete = "true"))
		Mono<Void> onOrder(String order) {
			return audit(order).then();
		}

		@RabbitListener(queuesToDeclare = @Queue(name = FUTURE_QUEUE, durable = "false", autoDelete = "true"))
		CompletableFuture<Void> onOrderReturningFuture(String order) {
			return audit(order).then().toFuture();
		}

		private Mono<String> audit(String order) {
			logger.info("listener: handling {}", order);
			String base = "http://127.0.0.1:" + this.environment.getProperty("local.server.port");
			return this.webClientBuilder.baseUrl(base)
				.build()
				.get()
				.uri((uri) -> uri.path("/audit").queryParam("order", order).build())
				.retrieve()
				.bodyToMono(String.class)
				.doOnNext((answer) -> {
					logger.info("listener: audit answered for {}", order);
					auditAnswers.add(answer);
				});
		}

	}

}
