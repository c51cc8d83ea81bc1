package dev.contextstarter.requestid.http.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.http.RequestContextClientHttpRequestInterceptor;

/**
 * Auto-configuration that makes every {@code RestClient} and {@code RestTemplate} built
 * from Boot's {@code RestClient.Builder} and {@code RestTemplateBuilder} send the current
 * request ID and context fields.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		beforeName = { "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
				"org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration" })
@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
@ConditionalOnContextFeature("restclient")
@ConditionalOnBean(InboundContextResolver.class)
public final class RestClientRequestContextAutoConfiguration {

	@Bean
	RequestContextClientHttpRequestInterceptor requestContextClientHttpRequestInterceptor(
			InboundContextResolver resolver) {
		return new RequestContextClientHttpRequestInterceptor(resolver.idHeaders().get(0), resolver.fields());
	}

	@Bean
	RestClientCustomizer requestContextRestClientCustomizer(RequestContextClientHttpRequestInterceptor interceptor) {
		return (builder) -> builder.requestInterceptor(interceptor);
	}

	@Bean
	RestTemplateCustomizer requestContextRestTemplateCustomizer(
			RequestContextClientHttpRequestInterceptor interceptor) {
		return (restTemplate) -> restTemplate.getInterceptors().add(interceptor);
	}

}
