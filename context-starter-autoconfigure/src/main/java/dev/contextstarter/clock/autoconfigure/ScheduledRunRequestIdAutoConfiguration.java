package dev.contextstarter.clock.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.clock.ScheduledRunRequestIds;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.autoconfigure.RequestContextAutoConfiguration;
import dev.contextstarter.requestid.task.ScheduledRunContexts;
import dev.contextstarter.requestid.task.autoconfigure.ScheduledRunContextAutoConfiguration;

/**
 * Joins the clock-jump-aware scheduler and the request context: every
 * {@link ScheduledRun} carries the request ID its run runs under. The clock package
 * itself knows nothing of request contexts.
 */
@AutoConfiguration(after = { ClockAutoConfiguration.class, RequestContextAutoConfiguration.class,
		ScheduledRunContextAutoConfiguration.class })
@ConditionalOnBean({ ClockJumpAwareTaskScheduler.class, RequestIdPolicy.class })
public final class ScheduledRunRequestIdAutoConfiguration {

	/**
	 * The fresh ID of each run when every {@code @Scheduled} run opens its own context;
	 * otherwise the ID of the context the task was scheduled under.
	 */
	@Bean
	@ConditionalOnMissingBean
	ScheduledRunRequestIds scheduledRunRequestIds(ObjectProvider<ScheduledRunContexts> runContexts) {
		ScheduledRunContexts contexts = runContexts.getIfUnique();
		return (contexts != null) ? contexts::requestIdOfNextRun : (task) -> RequestIdContextHolder.currentRequestId();
	}

}
