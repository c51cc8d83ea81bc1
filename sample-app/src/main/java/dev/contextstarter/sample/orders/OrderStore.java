package dev.contextstarter.sample.orders;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The orders this node knows about, in memory: the ones it took and the ones any node
 * reserved.
 */
@Component
public class OrderStore {

	private final Map<String, Order> orders = new ConcurrentHashMap<>();

	Order place(String id, String sku, int quantity, @Nullable String requestId, String node) {
		Order order = new Order(id, sku, quantity, OrderState.PLACED, requestId, node, null, null);
		this.orders.put(id, order);
		return order;
	}

	Order reserve(OrderReserved reserved, @Nullable String requestId) {
		return this.orders.compute(reserved.orderId(), (id, known) -> {
			Order order = (known != null) ? known : new Order(id, reserved.sku(), reserved.quantity(),
					OrderState.PLACED, requestId, reserved.placedOn(), null, null);
			return order.reserved(reserved.reservedBy(), reserved.warehouse());
		});
	}

	public Optional<Order> find(String id) {
		return Optional.ofNullable(this.orders.get(id));
	}

	public long count(OrderState state) {
		return this.orders.values().stream().filter((order) -> order.state() == state).count();
	}

	public int size() {
		return this.orders.size();
	}

}
