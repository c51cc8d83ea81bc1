package dev.contextstarter.requestid.webflux.autoconfigure;

import org.junit.jupiter.api.Test;

import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

class WebRequestContextAutoConfigurationTests {

	private final AutoConfigurations configurations = AutoConfigurations.of(RequestContextAutoConfiguration.class,
			WebFluxRequestContextAutoConfiguration.class, WebClientRequestContextAutoConfiguration.class);

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(this.configurations);

	@Test
	void reactiveWebAppGetsTheDecoratorNettyHandlerAndWebClientCustomizer() {
		this.reactiveRunner.run((context) -> assertThat(context).hasSingleBean(HttpHandlerDecoratorFactory.class)
			.hasSingleBean(NettyServerCustomizer.class)
			.hasSingleBean(WebClientCustomizer.class));
	}

	@Test
	void webfluxCanBeTurnedOffAlone() {
		this.reactiveRunner.withPropertyValues("context.webflux.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HttpHandlerDecoratorFactory.class)
				.doesNotHaveBean(NettyServerCustomizer.class)
				.hasSingleBean(WebClientCustomizer.class));
	}

	@Test
	void webclientCanBeTurnedOffAlone() {
		this.reactiveRunner.withPropertyValues("context.webclient.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(HttpHandlerDecoratorFactory.class)
				.doesNotHaveBean(WebClientCustomizer.class));
	}

	@Test
	void nothingWithoutRequestIds() {
		this.reactiveRunner.withPropertyValues("context.request-id.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HttpHandlerDecoratorFactory.class)
				.doesNotHaveBean(WebClientCustomizer.class));
	}

	@Test
	void servletAppGetsNoWebFluxDecorator() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HttpHandlerDecoratorFactory.class));
	}

	@Test
	void nonWebAppGetsNoWebFluxDecorator() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HttpHandlerDecoratorFactory.class));
	}

	@Test
	void withoutWebClientOnTheClasspathNoCustomizer() {
		this.reactiveRunner.withClassLoader(new FilteredClassLoader(WebClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WebClientCustomizer.class));
	}

	@Test
	void withoutReactorNettyNoNettyHandler() {
		this.reactiveRunner.withClassLoader(new FilteredClassLoader(NettyServerCustomizer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(HttpHandlerDecoratorFactory.class)
				.doesNotHaveBean(NettyServerCustomizer.class));
	}

}
