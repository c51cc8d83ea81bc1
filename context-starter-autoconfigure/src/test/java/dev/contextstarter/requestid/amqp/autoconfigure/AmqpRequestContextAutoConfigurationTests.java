package dev.contextstarter.requestid.amqp.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Function;

import org.aopalliance.aop.Advice;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.config.DirectRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.ConditionalRejectingErrorHandler;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.adapter.MessageListenerAdapter;
import org.springframework.amqp.rabbit.listener.adapter.ReplyPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.ReflectionUtils;
import reactor.core.publisher.Hooks;

import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.amqp.AmqpRequestContexts;
import dev.contextstarter.requestid.amqp.AmqpTrust;
import dev.contextstarter.requestid.amqp.ListenerSubscriptionContextHook;
import dev.contextstarter.requestid.amqp.RequestContextErrorHandler;
import dev.contextstarter.requestid.amqp.RequestContextListenerAdvice;
import dev.contextstarter.requestid.amqp.RequestContextMessagePostProcessor;
import dev.contextstarter.requestid.amqp.RequestContextReplyPostProcessor;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class AmqpRequestContextAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.rabbitmq.listener.simple.auto-startup=false",
				"spring.rabbitmq.listener.direct.auto-startup=false")
		.withConfiguration(
				AutoConfigurations.of(RequestContextAutoConfiguration.class, AmqpRequestContextAutoConfiguration.class,
						org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration.class));

	@Test
	void defaultsStampBootsTemplateAndPrependTheAdviceToBootsFactory() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(AmqpRequestContexts.class);
			assertThat(context).hasSingleBean(ListenerSubscriptionContextHook.class);
			assertThat(context.getBean(AmqpRequestContexts.class).idHeader()).isEqualTo("x-request-id");
			assertThat(context.getBean(RabbitTemplate.class).getBeforePublishPostProcessors())
				.hasExactlyElementsOfTypes(RequestContextMessagePostProcessor.class);
			SimpleRabbitListenerContainerFactory factory = context.getBean(SimpleRabbitListenerContainerFactory.class);
			assertThat(factory.getAdviceChain()).hasExactlyElementsOfTypes(RequestContextListenerAdvice.class);
			assertThat(factoryReplyProvider(factory).apply("any")).isInstanceOf(RequestContextReplyPostProcessor.class);
			assertThat(ReflectionTestUtils.getField(factory, "errorHandler")).isInstanceOfSatisfying(
					RequestContextErrorHandler.class,
					(handler) -> assertThat(handler.delegate()).isInstanceOf(ConditionalRejectingErrorHandler.class));
		});
	}

	@Test
	void retryAdviceStaysInTheChainBehindOurs() {
		this.contextRunner.withPropertyValues("spring.rabbitmq.listener.simple.retry.enabled=true").run((context) -> {
			Advice[] chain = context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain();
			assertThat(chain).hasSize(2);
			assertThat(chain[0]).isInstanceOf(RequestContextListenerAdvice.class);
			assertThat(chain[1]).isNotInstanceOf(RequestContextListenerAdvice.class);
		});
	}

	@Test
	void directFactoryGetsTheAdviceToo() {
		this.contextRunner.withPropertyValues("spring.rabbitmq.listener.type=direct").run((context) -> {
			assertThat(context.getBean(DirectRabbitListenerContainerFactory.class).getAdviceChain())
				.hasExactlyElementsOfTypes(RequestContextListenerAdvice.class);
		});
	}

	@Test
	void userTemplatesFactoriesAndHandBuiltContainersAreCoveredOnce() {
		this.contextRunner.withUserConfiguration(UserRabbitConfiguration.class).run((context) -> {
			for (RabbitTemplate template : context.getBeansOfType(RabbitTemplate.class).values()) {
				assertThat(template.getBeforePublishPostProcessors()).hasSize(1)
					.hasOnlyElementsOfType(RequestContextMessagePostProcessor.class);
			}
			SimpleRabbitListenerContainerFactory userFactory = context.getBean("userFactory",
					SimpleRabbitListenerContainerFactory.class);
			assertThat(userFactory.getAdviceChain()).hasSize(2);
			assertThat(userFactory.getAdviceChain()[0]).isInstanceOf(RequestContextListenerAdvice.class);
			// The application's reply post-processor still runs, then ours.
			org.springframework.amqp.core.MessageProperties requestProperties = new org.springframework.amqp.core.MessageProperties();
			requestProperties.setHeader("x-request-id", "req-1");
			org.springframework.amqp.core.Message reply = factoryReplyProvider(userFactory).apply("listener-1")
				.apply(new org.springframework.amqp.core.Message(new byte[0], requestProperties),
						new org.springframework.amqp.core.Message(new byte[0]));
			assertThat((String) reply.getMessageProperties().getHeader("x-user")).isEqualTo("listener-1");
			assertThat((String) reply.getMessageProperties().getHeader("x-request-id")).isEqualTo("req-1");
			assertThat(containerAdviceChain(context.getBean("handBuilt", SimpleMessageListenerContainer.class)))
				.hasExactlyElementsOfTypes(RequestContextListenerAdvice.class);
			assertThat(containerAdviceChain(context.getBean("direct", DirectMessageListenerContainer.class)))
				.hasExactlyElementsOfTypes(RequestContextListenerAdvice.class);
			MessageListenerAdapter adapter = (MessageListenerAdapter) context
				.getBean("handBuilt", SimpleMessageListenerContainer.class)
				.getMessageListener();
			assertThat(ReflectionTestUtils.getField(adapter, "replyPostProcessor"))
				.isInstanceOf(RequestContextReplyPostProcessor.class);
			assertThat(ReflectionTestUtils.getField(context.getBean("direct"), "errorHandler"))
				.isInstanceOf(RequestContextErrorHandler.class);
			// Built by a factory that already has the advice: not added twice.
			Advice[] fromFactory = containerAdviceChain(
					context.getBean("fromFactory", SimpleMessageListenerContainer.class));
			assertThat(fromFactory).filteredOn(RequestContextListenerAdvice.class::isInstance).hasSize(1);
		});
	}

	@Test
	void userCodecWins() {
		this.contextRunner
			.withBean(AmqpRequestContexts.class,
					() -> new AmqpRequestContexts(RequestIdPolicy.defaults(), "x-custom", List.of()))
			.run((context) -> assertThat(context.getBean(AmqpRequestContexts.class).idHeader()).isEqualTo("x-custom"));
	}

	@Test
	void headerIsConfigurable() {
		this.contextRunner.withPropertyValues("context.amqp.header=x-correlation")
			.run((context) -> assertThat(context.getBean(AmqpRequestContexts.class).idHeader())
				.isEqualTo("x-correlation"));
	}

	@Test
	void backsOffWhenTheFeatureIsOff() {
		this.contextRunner.withPropertyValues("context.amqp.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(AmqpRequestContexts.class);
			assertThat(context.getBean(RabbitTemplate.class).getBeforePublishPostProcessors()).isNullOrEmpty();
			assertThat(context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain()).isNullOrEmpty();
		});
	}

	@Test
	void backsOffWhenTheStarterOrRequestIdsAreOff() {
		this.contextRunner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AmqpRequestContexts.class));
		this.contextRunner.withPropertyValues("context.request-id.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AmqpRequestContexts.class));
	}

	@Test
	void backsOffWithoutSpringAmqp() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RequestContextAutoConfiguration.class,
					AmqpRequestContextAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(AmqpRequestContexts.class);
				assertThat(context).doesNotHaveBean(ListenerContainerRequestContextPostProcessor.class);
			});
	}

	@Test
	void listenerSubscriptionHookBacksOffWithoutReactor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Hooks.class)).run((context) -> {
			assertThat(context).hasSingleBean(AmqpRequestContexts.class);
			assertThat(context).doesNotHaveBean(ListenerSubscriptionContextHook.class);
		});
	}

	@Test
	void invalidHeaderFailsAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.amqp.header=bad header").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("context.amqp.header");
		});
		this.contextRunner.withPropertyValues("context.amqp.header=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("context.amqp.header");
		});
	}

	@Test
	void trustedUsersModeTrustsOnlyTheListedUsers() {
		this.contextRunner
			.withPropertyValues("context.amqp.trust=trusted-users", "context.amqp.trusted-users=orders,billing")
			.run((context) -> {
				AmqpRequestContexts contexts = context.getBean(AmqpRequestContexts.class);
				assertThat(contexts.trust()).isEqualTo(AmqpTrust.TRUSTED_USERS);
				MessageProperties fromBilling = new MessageProperties();
				fromBilling.setReceivedUserId("billing");
				assertThat(contexts.isTrustedPublisher(fromBilling)).isTrue();
				assertThat(contexts.isTrustedPublisher(new MessageProperties())).isFalse();
			});
	}

	@Test
	void trustedUsersModeWithoutUsersFailsAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("context.amqp.trust=trusted-users").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("context.amqp.trusted-users");
		});
	}

	@Test
	void trustDefaultsToAnyValidIdFromAnyPublisher() {
		this.contextRunner.run((context) -> assertThat(context.getBean(AmqpRequestContexts.class).trust())
			.isEqualTo(AmqpTrust.IF_VALID));
	}

	private static Advice[] containerAdviceChain(AbstractMessageListenerContainer container) {
		Method getter = ReflectionUtils.findMethod(AbstractMessageListenerContainer.class, "getAdviceChain");
		ReflectionUtils.makeAccessible(getter);
		return (Advice[]) ReflectionUtils.invokeMethod(getter, container);
	}

	@SuppressWarnings("unchecked")
	private static Function<String, ReplyPostProcessor> factoryReplyProvider(
			SimpleRabbitListenerContainerFactory factory) {
		return (Function<String, ReplyPostProcessor>) ReflectionTestUtils.getField(factory,
				"replyPostProcessorProvider");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRabbitConfiguration {

		@Bean
		RabbitTemplate secondTemplate(ConnectionFactory connectionFactory) {
			return new RabbitTemplate(connectionFactory);
		}

		@Bean
		SimpleRabbitListenerContainerFactory userFactory(ConnectionFactory connectionFactory) {
			SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
			factory.setConnectionFactory(connectionFactory);
			factory.setAutoStartup(false);
			factory.setAdviceChain((org.aopalliance.intercept.MethodInterceptor) (invocation) -> invocation.proceed());
			factory.setReplyPostProcessorProvider((id) -> (request, reply) -> {
				reply.getMessageProperties().setHeader("x-user", id);
				return reply;
			});
			return factory;
		}

		@Bean
		SimpleMessageListenerContainer handBuilt(ConnectionFactory connectionFactory) {
			SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
			container.setQueueNames("q");
			container.setAutoStartup(false);
			container.setMessageListener(new MessageListenerAdapter(new Object() {

				@SuppressWarnings("unused")
				public String handleMessage(String in) {
					return in;
				}

			}));
			return container;
		}

		@Bean
		DirectMessageListenerContainer direct(ConnectionFactory connectionFactory) {
			DirectMessageListenerContainer container = new DirectMessageListenerContainer(connectionFactory);
			container.setAutoStartup(false);
			container.setMessageListener((message) -> {
			});
			return container;
		}

		@Bean
		SimpleMessageListenerContainer fromFactory(SimpleRabbitListenerContainerFactory userFactory) {
			SimpleMessageListenerContainer container = userFactory.createListenerContainer();
			container.setQueueNames("q");
			container.setMessageListener((message) -> {
			});
			return container;
		}

	}

}
