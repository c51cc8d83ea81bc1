package dev.contextstarter.requestid.webflux.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.webflux.RequestContextExchangeFilter;

/**
 * Auto-configuration that makes every {@code WebClient} built from Boot's
 * {@code WebClient.Builder} send the current request ID and context fields.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		beforeName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnClass({ WebClient.class, WebClientCustomizer.class })
@ConditionalOnContextFeature("webclient")
@ConditionalOnBean(InboundContextResolver.class)
public final class WebClientRequestContextAutoConfiguration {

	@Bean
	WebClientCustomizer requestContextWebClientCustomizer(InboundContextResolver resolver) {
		RequestContextExchangeFilter filter = new RequestContextExchangeFilter(resolver.idHeaders().get(0),
				resolver.fields());
		return (builder) -> builder.filter(filter);
	}

}
