package dev.contextstarter.sample.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.contextstarter.sample.SampleProperties;
import dev.contextstarter.sample.orders.OrderState;
import dev.contextstarter.sample.orders.OrderStore;

/**
 * A cron task: run by the starter's clock-jump-aware scheduler, it fires at its wall time
 * even after the system clock jumps, and never twice for one time.
 */
@Component
class Heartbeat {

	private static final Logger logger = LoggerFactory.getLogger(Heartbeat.class);

	private final OrderStore store;

	private final SampleProperties properties;

	Heartbeat(OrderStore store, SampleProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	@Scheduled(cron = "${sample.demo.heartbeat-cron:" + SampleProperties.DEFAULT_HEARTBEAT_CRON + "}")
	void beat() {
		logger.info("Heartbeat from {}: {} orders known, {} reserved", this.properties.getNodeName(), this.store.size(),
				this.store.count(OrderState.RESERVED));
	}

}
