package dev.contextstarter.requestid.reactor.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

import dev.contextstarter.requestid.reactor.ReactorContextPropagation;

/**
 * Installs the starter's Reactor propagation while the bean factory is being prepared,
 * before any application bean is created, so that a chain a bean assembles in its
 * constructor or a static field passes through the hooks like any other; removes it when
 * the context closes.
 */
final class ReactorContextPropagationInstaller implements BeanFactoryPostProcessor, PriorityOrdered, DisposableBean {

	static final String AUTOMATIC_PROPAGATION_PROPERTY = "context.reactor.automatic-propagation";

	private final ReactorContextPropagation propagation;

	ReactorContextPropagationInstaller(Environment environment) {
		// Bound by hand: configuration properties beans do not exist yet at this stage.
		boolean automatic = Binder.get(environment).bind(AUTOMATIC_PROPAGATION_PROPERTY, Boolean.class).orElse(false);
		this.propagation = new ReactorContextPropagation(automatic);
	}

	ReactorContextPropagation propagation() {
		return this.propagation;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		this.propagation.install();
	}

	@Override
	public void destroy() {
		this.propagation.uninstall();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
