package dev.contextstarter.sample.inventory;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A stock lookup that hops from the event loop to a blocking-capable worker and on to a
 * parallel worker, logging on each, the way real lookups move between a driver's threads
 * and the application's.
 */
@RestController
class InventoryController {

	private static final Logger logger = LoggerFactory.getLogger(InventoryController.class);

	private static final List<String> WAREHOUSES = List.of("AMS-1", "FRA-2", "DUB-3");

	@GetMapping("/inventory/{sku}")
	Mono<StockLevel> stock(@PathVariable String sku) {
		logger.info("Inventory {}: lookup requested", sku);
		return Mono.fromCallable(() -> {
			logger.info("Inventory {}: reading stock", sku);
			return readStock(sku);
		})
			.subscribeOn(Schedulers.boundedElastic())
			.publishOn(Schedulers.parallel())
			.delayElement(Duration.ofMillis(5))
			.doOnNext((stock) -> logger.info("Inventory {}: {} available at {}", sku, stock.available(),
					stock.warehouse()));
	}

	// Stands in for a database: always the same answer for one SKU.
	private static StockLevel readStock(String sku) {
		int hash = Math.floorMod(sku.hashCode(), 900);
		return new StockLevel(sku, 100 + hash, WAREHOUSES.get(hash % WAREHOUSES.size()));
	}

}
