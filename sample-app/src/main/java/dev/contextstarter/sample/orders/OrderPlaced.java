package dev.contextstarter.sample.orders;

/**
 * Published when an order is accepted. The request ID travels in the message headers (the
 * starter adds them), not in the body.
 *
 * @param orderId the order ID
 * @param sku the stock keeping unit ordered
 * @param quantity how many
 * @param placedOn the node that took the order
 */
public record OrderPlaced(String orderId, String sku, int quantity, String placedOn) {
}
