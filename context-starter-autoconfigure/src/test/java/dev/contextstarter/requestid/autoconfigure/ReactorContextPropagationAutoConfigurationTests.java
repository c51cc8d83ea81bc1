package dev.contextstarter.requestid.autoconfigure;

import io.micrometer.context.ContextRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.contextstarter.requestid.RequestContext;
import dev.contextstarter.requestid.RequestContextHolder;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;

import static org.assertj.core.api.Assertions.assertThat;

class ReactorContextPropagationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(RequestContextAutoConfiguration.class, ReactorContextPropagationAutoConfiguration.class));

	@Test
	void registersAccessorAndAutomaticPropagationUntilTheContextCloses() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactorContextPropagation.class);
			assertThat(registered()).isTrue();
			String seen = Mono.fromCallable(RequestContextHolder::currentRequestId)
				.subscribeOn(Schedulers.boundedElastic())
				.publishOn(Schedulers.parallel())
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestContext.of("reactor-1")))
				.block();
			assertThat(seen).isEqualTo("reactor-1");
		});
		assertThat(registered()).isFalse();
		// Automatic propagation is off again: nothing is restored from the Reactor Context.
		String seen = Mono.fromCallable(() -> String.valueOf(RequestContextHolder.currentRequestId()))
			.subscribeOn(Schedulers.boundedElastic())
			.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestContext.of("after-close")))
			.block();
		assertThat(seen).isEqualTo("null");
	}

	@Test
	void automaticPropagationCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("context.reactor.automatic-propagation=false").run((context) -> {
			assertThat(registered()).isTrue();
			String seen = Mono.fromCallable(() -> String.valueOf(RequestContextHolder.currentRequestId()))
				.subscribeOn(Schedulers.boundedElastic())
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, RequestContext.of("manual")))
				.block();
			assertThat(seen).isEqualTo("null");
		});
	}

	@Test
	void backsOffWithoutContextPropagation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ContextRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactorContextPropagation.class));
	}

	@Test
	void backsOffWithoutReactor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Hooks.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactorContextPropagation.class));
	}

	@Test
	void turnedOffWithRequestIds() {
		this.contextRunner.withPropertyValues("context.request-id.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReactorContextPropagation.class));
	}

	private static boolean registered() {
		return ContextRegistry.getInstance()
			.getThreadLocalAccessors()
			.stream()
			.anyMatch((accessor) -> RequestContextAccessor.KEY.equals(accessor.key()));
	}

}
