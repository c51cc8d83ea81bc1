package dev.contextstarter.sample.orders;

/**
 * Where an order is in the flow.
 */
public enum OrderState {

	/** Accepted over HTTP and published; not processed yet. */
	PLACED,

	/** Processed: stock was found and reserved. */
	RESERVED

}
