package dev.contextstarter.sample;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import dev.contextstarter.test.TestBroker;

/**
 * The sample's orders exchange and queue on the suite's {@link TestBroker}: each test
 * class uses its own, so that runs sharing a broker never consume each other's messages.
 */
final class OrdersOnTestBroker {

	private OrdersOnTestBroker() {
	}

	/**
	 * A fresh name prefix for one test class's exchange and queue.
	 * @param testName the test's name
	 * @return the prefix
	 */
	static String uniqueNames(String testName) {
		return TestBroker.uniqueName("sample.test." + testName);
	}

	/**
	 * Arguments that point a sample node at the test broker, with its own exchange and
	 * queue.
	 * @param names the prefix from {@link #uniqueNames(String)}
	 * @return the arguments
	 */
	static String[] externalBrokerArgs(String names) {
		return new String[] { "--sample.broker=external", "--spring.rabbitmq.host=" + TestBroker.host(),
				"--spring.rabbitmq.port=" + TestBroker.port(), "--sample.orders.exchange=" + names,
				"--sample.orders.queue=" + names + ".placed" };
	}

	/**
	 * Delete what a test class declared on the shared broker.
	 * @param names the prefix from {@link #uniqueNames(String)}
	 */
	static void deleteDeclarations(String names) {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory(TestBroker.host(), TestBroker.port());
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			admin.deleteQueue(names + ".placed");
			admin.deleteExchange(names);
		}
		finally {
			connectionFactory.destroy();
		}
	}

}
