package dev.contextstarter.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.sample.SampleClient.PlacedOrder;
import dev.contextstarter.test.RequestContextLeakCheck;
import dev.contextstarter.test.TestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole flow on one node against the test suite's real RabbitMQ: HTTP in, RabbitMQ
 * out and back in, an HTTP call to the inventory across schedulers, and the reservation
 * event.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.broker=external", "sample.node-name=node-solo", "spring.main.banner-mode=off",
				"sample.demo.blocking-endpoint=true", "context.watchdog.startup-grace=0s" })
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
@SuppressWarnings("unchecked")
class OrderFlowTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private static final String NAMES = OrdersOnTestBroker.uniqueNames("flow");

	@LocalServerPort
	private int port;

	@Autowired
	private RabbitListenerEndpointRegistry listeners;

	@DynamicPropertySource
	static void broker(DynamicPropertyRegistry registry) {
		TestBroker.requireRunning();
		registry.add("spring.rabbitmq.host", TestBroker::host);
		registry.add("spring.rabbitmq.port", TestBroker::port);
		registry.add("sample.orders.exchange", () -> NAMES);
		registry.add("sample.orders.queue", () -> NAMES + ".placed");
	}

	@BeforeAll
	void checkBroker() {
		TestBroker.requireRunning();
	}

	@AfterAll
	void deleteDeclarations() {
		this.listeners.stop();
		OrdersOnTestBroker.deleteDeclarations(NAMES);
	}

	@Test
	void concurrentOrdersEachKeepTheirOwnRequestIdOnEveryHop(CapturedOutput output) throws Exception {
		SampleClient client = new SampleClient(this.port);
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<CompletableFuture<PlacedOrder>> placing = new ArrayList<>();
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			for (int i = 0; i < 8; i++) {
				String sku = "SKU-" + run + "-" + i;
				// One order without an ID: the service makes one up and must use it
				// throughout.
				String requestId = (i == 0) ? null : "flow-" + run + "-" + i;
				int quantity = 1 + i;
				placing.add(CompletableFuture.supplyAsync(() -> client.place(sku, quantity, requestId), clients));
			}
			List<PlacedOrder> orders = placing.stream().map(CompletableFuture::join).toList();
			assertThat(orders.get(0).requestId())
				.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");

			for (PlacedOrder order : orders) {
				OrderFlowAssertions.awaitRecorded(output, order, "node-solo", "node-solo");
				await().atMost(OrderFlowAssertions.FLOW_TIMEOUT)
					.until(() -> "RESERVED".equals(client.orderField(order.orderId(), "state")));
			}
			for (PlacedOrder order : orders) {
				OrderFlowAssertions.assertEveryHopCarriesItsRequestId(output, order, "node-solo", "node-solo",
						"node-solo");
				Map<String, Object> body = client.order(order.orderId()).getBody();
				assertThat(body).containsEntry("requestId", order.requestId())
					.containsEntry("placedOn", "node-solo")
					.containsEntry("reservedBy", "node-solo");
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	@Test
	void invalidOrderIsA400WithTheFieldsToFix() {
		SampleClient client = new SampleClient(this.port);
		ResponseEntity<Map<String, Object>> response = client.post(Map.of("sku", "no spaces!", "quantity", 0),
				"bad-order-1");
		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getHeaders().getFirst(SampleClient.REQUEST_ID_HEADER)).isEqualTo("bad-order-1");
		assertThat(response.getBody()).containsEntry("title", "Invalid order")
			.containsEntry("detail",
					"The order is invalid: quantity must be greater than or equal to 1;"
							+ " sku must contain only letters, digits and dashes")
			.containsEntry("errors",
					List.of(Map.of("field", "quantity", "message", "must be greater than or equal to 1"),
							Map.of("field", "sku", "message", "must contain only letters, digits and dashes")));
	}

	@Test
	void unreadableOrderIsA400SayingWhatToSend() {
		SampleClient client = new SampleClient(this.port);
		ResponseEntity<Map<String, Object>> response = client.post("{\"sku\": \"A-1\",", null);
		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertThat(response.getHeaders().getFirst(SampleClient.REQUEST_ID_HEADER)).isNotBlank();
		assertThat(response.getBody()).containsEntry("title", "Unreadable order");
		assertThat((String) response.getBody().get("detail")).contains("\"quantity\"");
	}

	@Test
	void watchdogReportsTheBlockingDemoWithItsRequestId() {
		WebClient webClient = WebClient.create("http://127.0.0.1:" + this.port);
		ResponseEntity<Map<String, Object>> blocked = webClient.get()
			.uri("/demo/block?millis=700")
			.header(SampleClient.REQUEST_ID_HEADER, "blocking-demo-1")
			.exchangeToMono((response) -> response.toEntity(JSON_OBJECT))
			.block(Duration.ofSeconds(30));
		assertThat(blocked.getStatusCode().value()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Map<String, Object> watchdog = webClient.get()
				.uri("/actuator/watchdog")
				.retrieve()
				.bodyToMono(JSON_OBJECT)
				.block(Duration.ofSeconds(30));
			assertThat((List<Map<String, Object>>) watchdog.get("recent"))
				.anySatisfy((stall) -> assertThat(stall).containsEntry("requestId", "blocking-demo-1")
					.containsEntry("source", "event-loop")
					.containsEntry("ended", true));
		});
	}

	@Test
	void actuatorExposesHealthMetricsAndTheStarterEndpoints() {
		WebClient webClient = WebClient.create("http://127.0.0.1:" + this.port);
		Map<String, Object> health = webClient.get()
			.uri("/actuator/health")
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.block(Duration.ofSeconds(30));
		assertThat(health).containsEntry("status", "UP");
		assertThat((Map<String, Object>) health.get("components")).containsKey("rabbit");
		Map<String, Object> clock = webClient.get()
			.uri("/actuator/clock")
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.block(Duration.ofSeconds(30));
		assertThat((List<Map<String, Object>>) clock.get("wallTasks")).anySatisfy(
				(task) -> assertThat(task).containsEntry("task", "dev.contextstarter.sample.demo.Heartbeat.beat"));
		String prometheus = webClient.get()
			.uri("/actuator/prometheus")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
		assertThat(prometheus).contains("context_watchdog_", "context_clock_", "http_server_requests");
		Map<String, Object> info = webClient.get()
			.uri("/actuator/info")
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.block(Duration.ofSeconds(30));
		assertThat(info).containsKeys("java", "os");
		Map<String, Object> metrics = webClient.get()
			.uri("/actuator/metrics")
			.retrieve()
			.bodyToMono(JSON_OBJECT)
			.block(Duration.ofSeconds(30));
		assertThat((List<String>) metrics.get("names")).contains("context.watchdog.stalled.threads",
				"context.clock.skew");
	}

	@Test
	void unknownOrderIsA404() {
		ResponseEntity<Map<String, Object>> response = new SampleClient(this.port).order("ord-unknown");
		assertThat(response.getStatusCode().value()).isEqualTo(404);
		assertThat(response.getHeaders().getFirst(SampleClient.REQUEST_ID_HEADER)).isNotBlank();
	}

}
