package dev.contextstarter.sample.inventory;

/**
 * The answer to {@code GET /inventory/{sku}}.
 *
 * @param sku the stock keeping unit
 * @param available how many are in stock
 * @param warehouse where they are
 */
public record StockLevel(String sku, int available, String warehouse) {
}
