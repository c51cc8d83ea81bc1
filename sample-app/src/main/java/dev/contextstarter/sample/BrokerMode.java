package dev.contextstarter.sample;

/**
 * Which AMQP broker the sample talks to.
 */
public enum BrokerMode {

	/**
	 * Start an in-memory Apache Qpid Broker-J inside the application, so that nothing
	 * needs installing.
	 */
	EMBEDDED,

	/**
	 * Use the broker configured by {@code spring.rabbitmq.*}: a real RabbitMQ, or another
	 * node's embedded broker.
	 */
	EXTERNAL

}
