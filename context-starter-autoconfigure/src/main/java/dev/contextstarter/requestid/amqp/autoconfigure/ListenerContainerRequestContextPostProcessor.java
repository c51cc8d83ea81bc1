package dev.contextstarter.requestid.amqp.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.ConditionalRejectingErrorHandler;
import org.springframework.amqp.rabbit.listener.adapter.AbstractAdaptableMessageListener;
import org.springframework.amqp.rabbit.listener.adapter.ReplyPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ErrorHandler;
import org.springframework.util.ReflectionUtils;

import dev.contextstarter.requestid.amqp.AmqpRequestContexts;
import dev.contextstarter.requestid.amqp.RequestContextErrorHandler;
import dev.contextstarter.requestid.amqp.RequestContextListenerAdvice;
import dev.contextstarter.requestid.amqp.RequestContextReplyPostProcessor;

/**
 * Puts the {@link RequestContextListenerAdvice} first in the advice chain of every
 * listener container factory and every listener container bean, and gives their listeners
 * a {@link RequestContextReplyPostProcessor} (after any the application set) so replies
 * carry the ID back, and wraps their error handler in a
 * {@link RequestContextErrorHandler} so its log lines carry it too.
 * <p>
 * Factories are handled after initialization, so the chain Boot set (its retry advice) is
 * kept and ours goes in front. Containers are handled before initialization, since a
 * container builds its advice proxy when it initializes. A container a factory built
 * already has the advice and is left as it is.
 */
final class ListenerContainerRequestContextPostProcessor implements BeanPostProcessor {

	private static final @Nullable Method containerAdviceChain = accessible(
			ReflectionUtils.findMethod(AbstractMessageListenerContainer.class, "getAdviceChain"));

	private static final @Nullable Field factoryReplyPostProcessorProvider = accessible(
			ReflectionUtils.findField(BaseRabbitListenerContainerFactory.class, "replyPostProcessorProvider"));

	private static final @Nullable Field listenerReplyPostProcessor = accessible(
			ReflectionUtils.findField(AbstractAdaptableMessageListener.class, "replyPostProcessor"));

	private static final @Nullable Field containerErrorHandler = accessible(
			ReflectionUtils.findField(AbstractMessageListenerContainer.class, "errorHandler"));

	private static final @Nullable Field factoryErrorHandler = accessible(
			ReflectionUtils.findField(AbstractRabbitListenerContainerFactory.class, "errorHandler"));

	private final RequestContextListenerAdvice advice;

	private final Supplier<AmqpRequestContexts> contexts;

	ListenerContainerRequestContextPostProcessor(RequestContextListenerAdvice advice,
			Supplier<AmqpRequestContexts> contexts) {
		this.advice = advice;
		this.contexts = contexts;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractMessageListenerContainer container) {
			if (containerAdviceChain != null) {
				Advice[] chain = (Advice[]) ReflectionUtils.invokeMethod(containerAdviceChain, container);
				if (!hasAdvice(chain)) {
					container.setAdviceChain(prepend(chain));
				}
			}
			if (containerErrorHandler != null) {
				ErrorHandler existing = (ErrorHandler) ReflectionUtils.getField(containerErrorHandler, container);
				if (existing != null && !(existing instanceof RequestContextErrorHandler)) {
					container.setErrorHandler(new RequestContextErrorHandler(existing, this.contexts));
				}
			}
			if (container.getMessageListener() instanceof AbstractAdaptableMessageListener listener
					&& listenerReplyPostProcessor != null) {
				ReplyPostProcessor existing = (ReplyPostProcessor) ReflectionUtils.getField(listenerReplyPostProcessor,
						listener);
				if (!(existing instanceof RequestContextReplyPostProcessor)) {
					listener.setReplyPostProcessor(new RequestContextReplyPostProcessor(this.contexts, existing));
				}
			}
		}
		return bean;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
			Advice[] chain = factory.getAdviceChain();
			if (!hasAdvice(chain)) {
				factory.setAdviceChain(prepend(chain));
			}
			if (factory instanceof AbstractRabbitListenerContainerFactory<?> configurable
					&& factoryErrorHandler != null) {
				ErrorHandler existing = (ErrorHandler) ReflectionUtils.getField(factoryErrorHandler, configurable);
				if (!(existing instanceof RequestContextErrorHandler)) {
					// No handler set means the container's default, which we wrap
					// instead.
					configurable.setErrorHandler(new RequestContextErrorHandler(
							(existing != null) ? existing : new ConditionalRejectingErrorHandler(), this.contexts));
				}
			}
			if (factoryReplyPostProcessorProvider != null) {
				var existing = (Function<@Nullable String, @Nullable ReplyPostProcessor>) ReflectionUtils
					.getField(factoryReplyPostProcessorProvider, factory);
				if (!(existing instanceof ReplyProvider)) {
					factory.setReplyPostProcessorProvider(new ReplyProvider(this.contexts, existing));
				}
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

	// Spring AMQP has no public getters for these. Should one disappear, that part is
	// skipped rather than replacing what the application configured (the
	// auto-configuration tests fail).
	private static @Nullable Method accessible(@Nullable Method method) {
		if (method != null) {
			ReflectionUtils.makeAccessible(method);
		}
		return method;
	}

	private static @Nullable Field accessible(@Nullable Field field) {
		if (field != null) {
			ReflectionUtils.makeAccessible(field);
		}
		return field;
	}

	/**
	 * Gives every listener the factory builds our reply post-processor, after any the
	 * application's provider returns. A {@code replyPostProcessor} named on a
	 * {@code @RabbitListener} replaces it, as it replaces every provider.
	 */
	private record ReplyProvider(Supplier<AmqpRequestContexts> contexts,
			@Nullable Function<@Nullable String, @Nullable ReplyPostProcessor> previous)
			implements
				Function<@Nullable String, @Nullable ReplyPostProcessor> {

		@Override
		public ReplyPostProcessor apply(@Nullable String listenerId) {
			ReplyPostProcessor application = (this.previous != null) ? this.previous.apply(listenerId) : null;
			return new RequestContextReplyPostProcessor(this.contexts, application);
		}

	}

}
