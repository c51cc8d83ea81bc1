package dev.contextstarter.requestid.amqp.autoconfigure;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.config.BeanPostProcessor;

import dev.contextstarter.requestid.amqp.RequestContextMessagePostProcessor;

/**
 * Adds the {@link RequestContextMessagePostProcessor} to the before-publish
 * post-processors of every {@link RabbitTemplate} bean, not only Boot's (a
 * {@code RabbitTemplateCustomizer} only reaches the auto-configured one).
 */
final class RabbitTemplateRequestContextPostProcessor implements BeanPostProcessor {

	private final MessagePostProcessor stamper;

	RabbitTemplateRequestContextPostProcessor(MessagePostProcessor stamper) {
		this.stamper = stamper;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RabbitTemplate template && !hasStamper(template.getBeforePublishPostProcessors())) {
			template.addBeforePublishPostProcessors(this.stamper);
		}
		return bean;
	}

	private static boolean hasStamper(@Nullable Collection<MessagePostProcessor> postProcessors) {
		return postProcessors != null
				&& postProcessors.stream().anyMatch(RequestContextMessagePostProcessor.class::isInstance);
	}

}
