package dev.contextstarter.requestid.webflux.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.RequestIdGenerator;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.webflux.NettyResponseRequestIdHandler;
import dev.contextstarter.requestid.webflux.RequestContextHttpHandler;

/**
 * Auto-configuration of the inbound request context for WebFlux servers: wraps the
 * application's {@code HttpHandler}, so the context is open before Spring Security and
 * every {@code WebFilter}, and still open while error responses are built. On Reactor
 * Netty, the responses its HTTP parser sends on its own get an ID too.
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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyServerCustomizer.class, HttpServer.class })
	static final class ReactorNettyConfiguration {

		@Bean
		NettyServerCustomizer requestIdNettyServerCustomizer(InboundContextResolver resolver,
				RequestIdGenerator generator) {
			NettyResponseRequestIdHandler handler = new NettyResponseRequestIdHandler(resolver.idHeaders().get(0),
					generator);
			return handler::addTo;
		}

	}

}
