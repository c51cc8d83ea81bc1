package dev.contextstarter.sample.orders;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

import dev.contextstarter.sample.SampleProperties;
import dev.contextstarter.sample.inventory.StockLevel;

/**
 * Processes placed orders from the shared queue: checks the inventory over HTTP and
 * publishes the reservation. Runs only where {@code sample.orders.processing} is on.
 */
@Component
class OrderProcessor {

	private static final Logger logger = LoggerFactory.getLogger(OrderProcessor.class);

	private static final Duration INVENTORY_TIMEOUT = Duration.ofSeconds(10);

	private final InventoryClient inventory;

	private final RabbitTemplate rabbitTemplate;

	private final SampleProperties properties;

	OrderProcessor(InventoryClient inventory, RabbitTemplate rabbitTemplate, SampleProperties properties) {
		this.inventory = inventory;
		this.rabbitTemplate = rabbitTemplate;
		this.properties = properties;
	}

	@RabbitListener(id = "order-processor", queues = "${sample.orders.queue:" + SampleProperties.DEFAULT_QUEUE + "}",
			autoStartup = "${sample.orders.processing:true}")
	void process(OrderPlaced placed) {
		String node = this.properties.getNodeName();
		logger.info("Order {}: processing {} x {} on {} (placed on {})", placed.orderId(), placed.quantity(),
				placed.sku(), node, placed.placedOn());
		// A listener thread may block; the call itself runs on the WebClient's event
		// loop.
		StockLevel stock = this.inventory.stockFor(placed.orderId(), placed.sku()).block(INVENTORY_TIMEOUT);
		if (stock == null || stock.available() < placed.quantity()) {
			throw new IllegalStateException("Order " + placed.orderId() + ": not enough stock of " + placed.sku());
		}
		OrderReserved reserved = new OrderReserved(placed.orderId(), placed.sku(), placed.quantity(), placed.placedOn(),
				node, stock.warehouse());
		this.rabbitTemplate.convertAndSend(this.properties.getOrders().getExchange(), OrderMessaging.RESERVED,
				reserved);
		logger.info("Order {}: reserved at {}, OrderReserved published", placed.orderId(), stock.warehouse());
	}

}
