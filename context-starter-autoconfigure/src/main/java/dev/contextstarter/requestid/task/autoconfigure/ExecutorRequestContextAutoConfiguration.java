package dev.contextstarter.requestid.task.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.RequestContextTaskDecorator;

/**
 * Auto-configuration of the {@link RequestContextTaskDecorator}. Boot composes every
 * {@code TaskDecorator} bean, in order, into the executors and schedulers its builders
 * make; this one comes last (so the user's own decorators run inside the request's
 * context) and is declared only once.
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class,
		beforeName = { "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
				"org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration" })
@ConditionalOnContextFeature("executors")
@ConditionalOnBean(RequestIdPolicy.class)
public final class ExecutorRequestContextAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Order(Ordered.LOWEST_PRECEDENCE)
	RequestContextTaskDecorator requestContextTaskDecorator() {
		return new RequestContextTaskDecorator();
	}

}
