package dev.contextstarter.sample;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the sample orders service.
 */
@ConfigurationProperties("sample")
public class SampleProperties implements Validator {

	/** Default of {@code sample.orders.exchange}. */
	public static final String DEFAULT_EXCHANGE = "sample.orders";

	/** Default of {@code sample.orders.queue}. */
	public static final String DEFAULT_QUEUE = "sample.orders.placed";

	/** Default of {@code sample.demo.heartbeat-cron}. */
	public static final String DEFAULT_HEARTBEAT_CRON = "0 * * * * *";

	/**
	 * Which broker to use: 'embedded' starts one in this process, 'external' uses
	 * spring.rabbitmq.*.
	 */
	private BrokerMode broker = BrokerMode.EMBEDDED;

	/**
	 * Name of this node in log lines and in the orders it processes.
	 */
	private String nodeName = "node";

	private final EmbeddedBroker embeddedBroker = new EmbeddedBroker();

	private final Orders orders = new Orders();

	private final Demo demo = new Demo();

	public BrokerMode getBroker() {
		return this.broker;
	}

	public void setBroker(BrokerMode broker) {
		this.broker = broker;
	}

	public String getNodeName() {
		return this.nodeName;
	}

	public void setNodeName(String nodeName) {
		this.nodeName = nodeName;
	}

	public EmbeddedBroker getEmbeddedBroker() {
		return this.embeddedBroker;
	}

	public Orders getOrders() {
		return this.orders;
	}

	public Demo getDemo() {
		return this.demo;
	}

	@Override
	public boolean supports(Class<?> type) {
		return SampleProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		SampleProperties properties = (SampleProperties) target;
		if (!StringUtils.hasText(properties.getNodeName())) {
			errors.rejectValue("nodeName", "blank", "sample.node-name must not be blank");
		}
		int port = properties.getEmbeddedBroker().getPort();
		if (port < 0 || port > 65535) {
			errors.rejectValue("embeddedBroker.port", "range",
					"sample.embedded-broker.port must be between 0 (any free port) and 65535, was " + port);
		}
		if (!StringUtils.hasText(properties.getOrders().getExchange())) {
			errors.rejectValue("orders.exchange", "blank", "sample.orders.exchange must not be blank");
		}
		if (!StringUtils.hasText(properties.getOrders().getQueue())) {
			errors.rejectValue("orders.queue", "blank", "sample.orders.queue must not be blank");
		}
		URI inventoryUrl = properties.getOrders().getInventoryUrl();
		if (inventoryUrl != null
				&& !("http".equals(inventoryUrl.getScheme()) || "https".equals(inventoryUrl.getScheme()))) {
			errors.rejectValue("orders.inventoryUrl", "scheme",
					"sample.orders.inventory-url must be an absolute http(s) URL, was '" + inventoryUrl + "'");
		}
	}

	/**
	 * The embedded broker, used when {@code sample.broker=embedded}.
	 */
	public static class EmbeddedBroker {

		/**
		 * Address the embedded broker listens on; loopback keeps it private to this
		 * machine.
		 */
		private String host = "127.0.0.1";

		/**
		 * AMQP port of the embedded broker (0 picks a free port). Not 5672, so that it
		 * does not clash with a local RabbitMQ.
		 */
		private int port = 5673;

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * The order flow.
	 */
	public static class Orders {

		/**
		 * Topic exchange that OrderPlaced and OrderReserved messages are published to.
		 */
		private String exchange = DEFAULT_EXCHANGE;

		/**
		 * Queue of placed orders, shared by every node that processes orders.
		 */
		private String queue = DEFAULT_QUEUE;

		/**
		 * Whether this node processes placed orders. Turn it off on a node that should
		 * only take orders, so that another node processes them.
		 */
		private boolean processing = true;

		/**
		 * Base URL of the inventory service the processor calls; by default this node
		 * itself.
		 */
		private @Nullable URI inventoryUrl;

		public String getExchange() {
			return this.exchange;
		}

		public void setExchange(String exchange) {
			this.exchange = exchange;
		}

		public String getQueue() {
			return this.queue;
		}

		public void setQueue(String queue) {
			this.queue = queue;
		}

		public boolean isProcessing() {
			return this.processing;
		}

		public void setProcessing(boolean processing) {
			this.processing = processing;
		}

		public @Nullable URI getInventoryUrl() {
			return this.inventoryUrl;
		}

		public void setInventoryUrl(@Nullable URI inventoryUrl) {
			this.inventoryUrl = inventoryUrl;
		}

	}

	/**
	 * Demonstrations of the watchdog and the clock-jump-aware scheduler.
	 */
	public static class Demo {

		/**
		 * Whether GET /demo/block blocks the event loop on purpose, for the watchdog to
		 * report. Never turn this on in a real service.
		 */
		private boolean blockingEndpoint;

		/**
		 * Cron expression of the heartbeat task run by the clock-jump-aware scheduler.
		 */
		private String heartbeatCron = DEFAULT_HEARTBEAT_CRON;

		public boolean isBlockingEndpoint() {
			return this.blockingEndpoint;
		}

		public void setBlockingEndpoint(boolean blockingEndpoint) {
			this.blockingEndpoint = blockingEndpoint;
		}

		public String getHeartbeatCron() {
			return this.heartbeatCron;
		}

		public void setHeartbeatCron(String heartbeatCron) {
			this.heartbeatCron = heartbeatCron;
		}

	}

}
