package dev.contextstarter.sample.broker;

import java.util.List;

import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.contextstarter.sample.SampleProperties;

/**
 * Starts the embedded broker when {@code sample.broker} is {@code embedded} (the default)
 * and points Boot's RabbitMQ connection at it. With {@code sample.broker=external}
 * nothing here applies and {@code spring.rabbitmq.*} is used as usual.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sample.broker", havingValue = "embedded", matchIfMissing = true)
class EmbeddedBrokerConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedAmqpBroker embeddedAmqpBroker(SampleProperties properties) throws Exception {
		SampleProperties.EmbeddedBroker broker = properties.getEmbeddedBroker();
		return EmbeddedAmqpBroker.start(broker.getHost(), broker.getPort());
	}

	// Boot uses a RabbitConnectionDetails bean instead of spring.rabbitmq.host/port, the
	// way Testcontainers and Docker Compose connections work; depending on the broker
	// bean makes the connection factory wait until the broker is up.
	@Bean
	RabbitConnectionDetails embeddedBrokerConnectionDetails(EmbeddedAmqpBroker broker) {
		return () -> List.of(new RabbitConnectionDetails.Address(broker.host(), broker.port()));
	}

}
