package dev.contextstarter.clock.autoconfigure;

import java.util.concurrent.ScheduledExecutorService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ClockJumpDetector;
import dev.contextstarter.clock.ScheduledRunListener;
import dev.contextstarter.clock.ScheduledRunRequestIds;
import dev.contextstarter.clock.TimeSource;
import dev.contextstarter.support.PhasedLifecycle;

/**
 * Clock-jump detection, and a clock-jump-aware {@code taskScheduler} for
 * {@code @Scheduled}.
 * <p>
 * Runs before Boot's task scheduling auto-configuration so that its {@code taskScheduler}
 * backs off in favour of ours; ours is built with Boot's
 * {@link ThreadPoolTaskSchedulerBuilder}, so {@code spring.task.scheduling.*} still
 * applies.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration")
@ConditionalOnContextFeature("clock")
@EnableConfigurationProperties(ClockProperties.class)
public final class ClockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TimeSource timeSource() {
		return TimeSource.system();
	}

	@Bean
	@ConditionalOnMissingBean
	ClockJumpDetector clockJumpDetector(TimeSource timeSource, ClockProperties properties,
			ApplicationEventPublisher publisher) {
		return new ClockJumpDetector(timeSource, properties.getCheckInterval(), properties.getJumpThreshold(),
				properties.getStallThreshold(), publisher);
	}

	@Bean
	PhasedLifecycle clockJumpDetectorLifecycle(ClockJumpDetector detector) {
		return new PhasedLifecycle(detector::start, detector::stop, SmartLifecycle.DEFAULT_PHASE);
	}

	/**
	 * The scheduler, on the same conditions as Boot's own {@code taskScheduler}:
	 * scheduling is enabled and the user has no scheduler of their own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ThreadPoolTaskScheduler.class)
	@ConditionalOnProperty(name = "context.clock.scheduler.enabled", matchIfMissing = true)
	@ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
	@ConditionalOnMissingBean({ TaskScheduler.class, ScheduledExecutorService.class })
	static final class SchedulerConfiguration {

		@Bean(name = "taskScheduler")
		ClockJumpAwareTaskScheduler taskScheduler(ObjectProvider<ThreadPoolTaskSchedulerBuilder> builder,
				TimeSource timeSource, ClockProperties properties, ObjectProvider<ScheduledRunListener> listeners,
				ObjectProvider<ScheduledRunRequestIds> requestIds) {
			// configured in place by Boot's builder, so a customizer's ErrorHandler
			// reaches every task
			ClockJumpAwareTaskScheduler scheduler = ClockJumpAwareTaskScheduler.decorate(
					builder.getIfAvailable(ThreadPoolTaskSchedulerBuilder::new)::configure, timeSource,
					properties.getCheckInterval(), properties.getJumpThreshold());
			ClockProperties.Scheduler settings = properties.getScheduler();
			scheduler.setPolicyResolver(settings::policyOf);
			scheduler.setListeners(listeners.orderedStream().toList());
			requestIds.ifUnique(scheduler::setRequestIds);
			return scheduler;
		}

	}

}
