package dev.contextstarter.requestid.http.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.http.RequestContextClientHttpRequestInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

class RestClientRequestContextAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(RequestContextAutoConfiguration.class, RestClientRequestContextAutoConfiguration.class,
				RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class));

	@Test
	void bootsBuildersGetTheInterceptor() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RestClientCustomizer.class).hasSingleBean(RestTemplateCustomizer.class);
			RequestContextClientHttpRequestInterceptor interceptor = context
				.getBean(RequestContextClientHttpRequestInterceptor.class);
			RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class).build();
			assertThat(restTemplate.getInterceptors()).containsExactly(interceptor);
			RestClient.Builder builder = context.getBean(RestClient.Builder.class);
			builder.requestInterceptors((interceptors) -> assertThat(interceptors).containsExactly(interceptor));
		});
	}

	@Test
	void offWhenTurnedOff() {
		this.runner.withPropertyValues("context.restclient.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestContextClientHttpRequestInterceptor.class));
		this.runner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestContextClientHttpRequestInterceptor.class));
	}

	@Test
	void offWithoutBootsRestClientModule() {
		this.runner.withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RequestContextClientHttpRequestInterceptor.class));
	}

	@Test
	void offWithoutSpringWebClients() {
		this.runner.withClassLoader(new FilteredClassLoader(RestClient.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RequestContextClientHttpRequestInterceptor.class));
	}

}
