package dev.contextstarter.sample.orders;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.ExchangeTypes;
import org.springframework.amqp.rabbit.annotation.Exchange;
import org.springframework.amqp.rabbit.annotation.Queue;
import org.springframework.amqp.rabbit.annotation.QueueBinding;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.sample.SampleProperties;

/**
 * Records reservations. Every node has its own queue for them, so the node that took an
 * order learns that another node reserved it.
 */
@Component
class OrderReservedListener {

	private static final Logger logger = LoggerFactory.getLogger(OrderReservedListener.class);

	private final OrderStore store;

	private final SampleProperties properties;

	OrderReservedListener(OrderStore store, SampleProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	@RabbitListener(id = "order-reservations",
			bindings = @QueueBinding(value = @Queue,
					exchange = @Exchange(name = "${sample.orders.exchange:" + SampleProperties.DEFAULT_EXCHANGE + "}",
							type = ExchangeTypes.TOPIC),
					key = OrderMessaging.RESERVED))
	void reserved(OrderReserved reserved) {
		Order order = this.store.reserve(reserved, RequestIdContextHolder.currentRequestId());
		logger.info("Order {}: {} by {}, recorded on {}", order.id(), order.state(), reserved.reservedBy(),
				this.properties.getNodeName());
	}

}
