package dev.contextstarter.sample.orders;

import java.net.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.sample.SampleProperties;
import dev.contextstarter.sample.inventory.StockLevel;

/**
 * Calls {@code GET /inventory/{sku}}: on {@code sample.orders.inventory-url}, or on this
 * node itself.
 */
@Component
class InventoryClient {

	private static final Logger logger = LoggerFactory.getLogger(InventoryClient.class);

	private final WebClient webClient;

	private final SampleProperties properties;

	private final Environment environment;

	// Built from Boot's builder, so the starter's filter sends the request ID along.
	InventoryClient(WebClient.Builder webClientBuilder, SampleProperties properties, Environment environment) {
		this.webClient = webClientBuilder.build();
		this.properties = properties;
		this.environment = environment;
	}

	Mono<StockLevel> stockFor(String orderId, String sku) {
		return this.webClient.get()
			.uri(inventoryUrl() + "/inventory/{sku}", sku)
			.retrieve()
			.bodyToMono(StockLevel.class)
			.doOnNext((stock) -> logger.info("Order {}: inventory answered {} x {} available at {}", orderId,
					stock.available(), stock.sku(), stock.warehouse()));
	}

	private String inventoryUrl() {
		URI configured = this.properties.getOrders().getInventoryUrl();
		if (configured != null) {
			return configured.toString().replaceAll("/+$", "");
		}
		// Known only once the server has started; listeners start after it.
		return "http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port");
	}

}
