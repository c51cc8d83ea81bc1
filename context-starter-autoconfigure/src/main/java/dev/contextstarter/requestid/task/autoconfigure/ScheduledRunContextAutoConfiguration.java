package dev.contextstarter.requestid.task.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.config.TaskManagementConfigUtils;
import org.springframework.util.StringUtils;

import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.ScheduledRunContextConfigurer;
import dev.contextstarter.requestid.task.ScheduledRunContexts;

/**
 * Auto-configuration of a fresh request context for every run of an {@code @Scheduled}
 * task (when {@code @EnableScheduling} is in use).
 */
@AutoConfiguration(after = RequestContextAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "context.scheduling.new-context-per-run", matchIfMissing = true)
@ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME,
		value = RequestIdPolicy.class)
@EnableConfigurationProperties(SchedulingContextProperties.class)
public final class ScheduledRunContextAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ScheduledRunContexts scheduledRunContexts(RequestIdPolicy policy, SchedulingContextProperties properties) {
		String taskMdcKey = properties.getTaskMdcKey();
		return new ScheduledRunContexts(policy, StringUtils.hasText(taskMdcKey) ? taskMdcKey : null);
	}

	@Bean
	ScheduledRunContextConfigurer scheduledRunContextConfigurer(ScheduledRunContexts contexts) {
		return new ScheduledRunContextConfigurer(contexts);
	}

}
