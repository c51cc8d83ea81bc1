package dev.contextstarter.sample.orders;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.contextstarter.sample.SampleProperties;

/**
 * The RabbitMQ topology of the order flow: one topic exchange, a shared queue of placed
 * orders (competing consumers across nodes), and JSON message bodies.
 */
@Configuration(proxyBeanMethods = false)
class OrderMessaging {

	static final String PLACED = "order.placed";

	static final String RESERVED = "order.reserved";

	@Bean
	TopicExchange ordersExchange(SampleProperties properties) {
		return new TopicExchange(properties.getOrders().getExchange());
	}

	@Bean
	Queue placedOrdersQueue(SampleProperties properties) {
		return QueueBuilder.durable(properties.getOrders().getQueue()).build();
	}

	@Bean
	Binding placedOrdersBinding(Queue placedOrdersQueue, TopicExchange ordersExchange) {
		return BindingBuilder.bind(placedOrdersQueue).to(ordersExchange).with(PLACED);
	}

	/**
	 * Boot hands this converter to the RabbitTemplate and to every listener container.
	 */
	@Bean
	JacksonJsonMessageConverter jsonMessageConverter() {
		return new JacksonJsonMessageConverter(OrderPlaced.class.getPackageName());
	}

}
