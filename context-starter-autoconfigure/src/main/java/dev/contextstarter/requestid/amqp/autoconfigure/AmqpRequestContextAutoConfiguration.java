package dev.contextstarter.requestid.amqp.autoconfigure;

import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Hooks;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.function.SingletonSupplier;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.amqp.AmqpRequestContexts;
import dev.contextstarter.requestid.amqp.ListenerSubscriptionContextHook;
import dev.contextstarter.requestid.amqp.RequestContextListenerAdvice;
import dev.contextstarter.requestid.amqp.RequestContextMessagePostProcessor;
import dev.contextstarter.requestid.autoconfigure.ContextProperties;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;

/**
 * Auto-configuration of the request context over RabbitMQ: every {@link RabbitTemplate}
 * bean stamps outgoing messages, and every listener container (and container factory)
 * runs its listener inside the received message's context. Backs off without Spring AMQP.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		afterName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnContextFeature("amqp")
@ConditionalOnClass(RabbitTemplate.class)
@ConditionalOnBean(RequestIdPolicy.class)
@EnableConfigurationProperties(AmqpRequestContextProperties.class)
public final class AmqpRequestContextAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AmqpRequestContexts amqpRequestContexts(RequestIdPolicy policy, AmqpRequestContextProperties properties,
			ContextProperties contextProperties) {
		return new AmqpRequestContexts(policy, properties.getHeader(), contextProperties.contextFields(),
				properties.getTrust(), properties.getTrustedUsers());
	}

	@Bean
	static RabbitTemplateRequestContextPostProcessor rabbitTemplateRequestContextPostProcessor(
			ObjectProvider<AmqpRequestContexts> contexts) {
		return new RabbitTemplateRequestContextPostProcessor(stamper(contexts));
	}

	@Bean
	static ListenerContainerRequestContextPostProcessor listenerContainerRequestContextPostProcessor(
			ObjectProvider<AmqpRequestContexts> contexts) {
		// Resolved on first use: post-processors are created before the beans they need.
		SingletonSupplier<AmqpRequestContexts> codec = SingletonSupplier.of(contexts::getObject);
		return new ListenerContainerRequestContextPostProcessor(new RequestContextListenerAdvice(codec), codec);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Hooks.class, ContextRegistry.class })
	static final class ReactorListenerConfiguration {

		@Bean
		ListenerSubscriptionContextHook listenerSubscriptionContextHook() {
			return new ListenerSubscriptionContextHook();
		}

	}

	private static RequestContextMessagePostProcessor stamper(ObjectProvider<AmqpRequestContexts> contexts) {
		return new RequestContextMessagePostProcessor(SingletonSupplier.of(contexts::getObject));
	}

}
