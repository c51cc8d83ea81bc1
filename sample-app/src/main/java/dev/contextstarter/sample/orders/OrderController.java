package dev.contextstarter.sample.orders;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.util.Assert;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.sample.SampleProperties;

/**
 * Takes orders over HTTP and publishes them to RabbitMQ.
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	private static final Logger logger = LoggerFactory.getLogger(OrderController.class);

	private final OrderStore store;

	private final RabbitTemplate rabbitTemplate;

	private final SampleProperties properties;

	OrderController(OrderStore store, RabbitTemplate rabbitTemplate, SampleProperties properties) {
		this.store = store;
		this.rabbitTemplate = rabbitTemplate;
		this.properties = properties;
	}

	@PostMapping
	Mono<ResponseEntity<OrderAccepted>> place(@Valid @RequestBody OrderRequest request) {
		String node = this.properties.getNodeName();
		String id = newOrderId();
		String sku = request.sku();
		Integer quantity = request.quantity();
		// @Valid has already answered 400 to a body without them
		Assert.state(sku != null && quantity != null, "Validated order without sku or quantity");
		logger.info("Order {}: {} x {} received on {}", id, quantity, sku, node);
		Order order = this.store.place(id, sku, quantity, RequestIdContextHolder.currentRequestId(), node);
		OrderPlaced placed = new OrderPlaced(id, sku, quantity, node);
		// RabbitTemplate blocks on the socket: publish from a thread that may block,
		// never the event loop.
		return Mono.fromRunnable(() -> {
			this.rabbitTemplate.convertAndSend(this.properties.getOrders().getExchange(), OrderMessaging.PLACED,
					placed);
			logger.info("Order {}: OrderPlaced published", id);
		})
			.subscribeOn(Schedulers.boundedElastic())
			.thenReturn(ResponseEntity.accepted()
				.location(URI.create("/orders/" + id))
				.body(new OrderAccepted(order.id(), order.state(), order.requestId())));
	}

	@GetMapping("/{id}")
	ResponseEntity<Order> order(@PathVariable String id) {
		return ResponseEntity.of(this.store.find(id));
	}

	private static String newOrderId() {
		return "ord-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
	}

	/**
	 * The answer to {@code POST /orders}.
	 *
	 * @param orderId the new order's ID
	 * @param state its state
	 * @param requestId the request ID it was placed under
	 */
	record OrderAccepted(String orderId, OrderState state, @Nullable String requestId) {
	}

}
