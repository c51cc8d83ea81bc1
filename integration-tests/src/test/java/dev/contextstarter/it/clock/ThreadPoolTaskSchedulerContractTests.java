package dev.contextstarter.it.clock;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The {@link TaskSchedulerContract} on Spring's own {@link ThreadPoolTaskScheduler}: the
 * reference the clock-jump-aware scheduler is held to.
 */
class ThreadPoolTaskSchedulerContractTests extends TaskSchedulerContract {

	@Override
	Subject create() {
		ThreadPoolTaskScheduler pool = pool();
		pool.initialize();
		return new Subject(pool, pool, pool::setErrorHandler, pool::destroy);
	}

	@Override
	boolean clockJumpAwareInApplications() {
		return false;
	}

}
