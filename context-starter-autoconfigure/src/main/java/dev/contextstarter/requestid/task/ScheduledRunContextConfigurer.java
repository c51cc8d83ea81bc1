package dev.contextstarter.requestid.task;

import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Makes every task of the {@code @Scheduled} registrar (annotated methods and tasks other
 * {@link SchedulingConfigurer}s add) run in a fresh context per run, by wrapping whatever
 * scheduler the registrar uses. It runs after the user's configurers, so a scheduler they
 * set is the one wrapped.
 */
public final class ScheduledRunContextConfigurer implements SchedulingConfigurer, Ordered {

	private final ScheduledRunContexts contexts;

	/**
	 * Create a configurer.
	 * @param contexts opens each run's context
	 */
	public ScheduledRunContextConfigurer(ScheduledRunContexts contexts) {
		this.contexts = contexts;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		TaskScheduler scheduler = registrar.getScheduler();
		if (scheduler != null) {
			registrar.setTaskScheduler(this.contexts.wrap(scheduler));
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
