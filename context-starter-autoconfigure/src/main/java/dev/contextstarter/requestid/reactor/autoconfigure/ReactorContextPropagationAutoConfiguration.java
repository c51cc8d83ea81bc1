package dev.contextstarter.requestid.reactor.autoconfigure;

import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Hooks;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;

/**
 * Auto-configuration that carries the request context through Reactor: registers its
 * accessor with context-propagation, installs the starter's scheduler and assembly hooks
 * and, when {@code context.reactor.automatic-propagation} is set, turns on Reactor's
 * automatic propagation, all before any application bean is created. Backs off without
 * Reactor or context-propagation on the classpath.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		afterName = "org.springframework.boot.reactor.autoconfigure.ReactorAutoConfiguration")
@ConditionalOnContextFeature("request-id")
@ConditionalOnClass({ Hooks.class, ContextRegistry.class })
@EnableConfigurationProperties(ReactorPropagationProperties.class)
public final class ReactorContextPropagationAutoConfiguration {

	@Bean
	static ReactorContextPropagationInstaller reactorContextPropagationInstaller(Environment environment) {
		return new ReactorContextPropagationInstaller(environment);
	}

	/**
	 * The propagation the installer set up, as a bean for whoever wants to see it.
	 */
	@Bean(destroyMethod = "")
	ReactorContextPropagation reactorContextPropagation(ReactorContextPropagationInstaller installer) {
		return installer.propagation();
	}

}
