package dev.contextstarter.sample.orders;

import org.jspecify.annotations.Nullable;

/**
 * An order as {@code GET /orders/{id}} returns it.
 *
 * @param id the order ID
 * @param sku the stock keeping unit ordered
 * @param quantity how many
 * @param state where the order is in the flow
 * @param requestId the request ID it was placed under (and processed under, on any node)
 * @param placedOn the node that took the order
 * @param reservedBy the node that processed it, once reserved
 * @param warehouse where the stock was reserved, once reserved
 */
public record Order(String id, String sku, int quantity, OrderState state, @Nullable String requestId, String placedOn,
		@Nullable String reservedBy, @Nullable String warehouse) {

	Order reserved(String reservedBy, String warehouse) {
		return new Order(this.id, this.sku, this.quantity, OrderState.RESERVED, this.requestId, this.placedOn,
				reservedBy, warehouse);
	}

}
