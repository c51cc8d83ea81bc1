package dev.contextstarter.requestid.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.adapter.AbstractAdaptableMessageListener;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ReflectionUtils;

import dev.contextstarter.requestid.amqp.RequestContextListenerAdvice;
import dev.contextstarter.requestid.amqp.RequestContextMessagePostProcessor;

/**
 * Puts the {@link RequestContextListenerAdvice} first in the advice chain of every listener
 * container factory and every listener container bean, and the reply stamper among their
 * before-send-reply post-processors.
 * <p>
 * Factories are handled after initialization, so the chain Boot set (its retry advice) is
 * kept and ours goes in front. Containers are handled before initialization, since a
 * container builds its advice proxy when it initializes. A container a factory built already
 * has the advice and is left as it is.
 */
final class ListenerContainerRequestContextPostProcessor implements BeanPostProcessor {

	private static final @Nullable Method containerAdviceChain = ReflectionUtils
		.findMethod(AbstractMessageListenerContainer.class, "getAdviceChain");

	private static final @Nullable Field factoryReplyPostProcessors = ReflectionUtils
		.findField(BaseRabbitListenerContainerFactory.class, "beforeSendReplyPostProcessors");

	static {
		if (containerAdviceChain != null) {
			ReflectionUtils.makeAccessible(containerAdviceChain);
		}
		if (factoryReplyPostProcessors != null) {
			ReflectionUtils.makeAccessible(factoryReplyPostProcessors);
		}
	}

	private final RequestContextListenerAdvice advice;

	private final MessagePostProcessor replyStamper;

	ListenerContainerRequestContextPostProcessor(RequestContextListenerAdvice advice,
			MessagePostProcessor replyStamper) {
		this.advice = advice;
		this.replyStamper = replyStamper;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractMessageListenerContainer container) {
			Advice[] chain = (containerAdviceChain != null)
					? (Advice[]) ReflectionUtils.invokeMethod(containerAdviceChain, container) : null;
			if (!hasAdvice(chain)) {
				container.setAdviceChain(prepend(chain));
			}
			if (container.getMessageListener() instanceof AbstractAdaptableMessageListener adapter) {
				MessagePostProcessor[] replyPostProcessors = adapter.getBeforeSendReplyPostProcessors();
				if (!hasReplyStamper(replyPostProcessors)) {
					adapter.setBeforeSendReplyPostProcessors(append(replyPostProcessors));
				}
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
			Advice[] chain = factory.getAdviceChain();
			if (!hasAdvice(chain)) {
				factory.setAdviceChain(prepend(chain));
			}
			MessagePostProcessor[] replyPostProcessors = (factoryReplyPostProcessors != null)
					? (MessagePostProcessor[]) ReflectionUtils.getField(factoryReplyPostProcessors, factory) : null;
			if (!hasReplyStamper(replyPostProcessors)) {
				factory.setBeforeSendReplyPostProcessors(append(replyPostProcessors));
			}
		}
		return bean;
	}

	private static boolean hasAdvice(Advice @Nullable [] chain) {
		return chain != null && Arrays.stream(chain).anyMatch(RequestContextListenerAdvice.class::isInstance);
	}

	private Advice[] prepend(Advice @Nullable [] chain) {
		if (chain == null || chain.length == 0) {
			return new Advice[] { this.advice };
		}
		Advice[] prepended = new Advice[chain.length + 1];
		prepended[0] = this.advice;
		System.arraycopy(chain, 0, prepended, 1, chain.length);
		return prepended;
	}

	private static boolean hasReplyStamper(MessagePostProcessor @Nullable [] postProcessors) {
		return postProcessors != null
				&& Arrays.stream(postProcessors).anyMatch(RequestContextMessagePostProcessor.class::isInstance);
	}

	private MessagePostProcessor[] append(MessagePostProcessor @Nullable [] postProcessors) {
		if (postProcessors == null || postProcessors.length == 0) {
			return new MessagePostProcessor[] { this.replyStamper };
		}
		MessagePostProcessor[] appended = Arrays.copyOf(postProcessors, postProcessors.length + 1);
		appended[postProcessors.length] = this.replyStamper;
		return appended;
	}

}
