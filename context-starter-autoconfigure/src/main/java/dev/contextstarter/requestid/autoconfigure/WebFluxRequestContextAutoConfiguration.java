package dev.contextstarter.requestid.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.webflux.RequestContextHttpHandler;

/**
 * Auto-configuration of the inbound request context for WebFlux servers: wraps the
 * application's {@code HttpHandler}, so the context is open before Spring Security and every
 * {@code WebFilter}, and still open while error responses are built.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		beforeName = "org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration")
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass(HttpHandlerDecoratorFactory.class)
@ConditionalOnContextFeature("webflux")
@ConditionalOnBean(InboundContextResolver.class)
public final class WebFluxRequestContextAutoConfiguration {

	@Bean
	HttpHandlerDecoratorFactory requestContextHttpHandlerDecorator(InboundContextResolver resolver) {
		return RequestContextHttpHandler.decoratorFactory(resolver);
	}

}
