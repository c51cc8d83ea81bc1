package dev.contextstarter.sample.orders;

/**
 * Published when an order has been processed; every node records it.
 *
 * @param orderId the order ID
 * @param sku the stock keeping unit ordered
 * @param quantity how many
 * @param placedOn the node that took the order
 * @param reservedBy the node that processed it
 * @param warehouse where the stock was reserved
 */
public record OrderReserved(String orderId, String sku, int quantity, String placedOn, String reservedBy,
		String warehouse) {
}
