package dev.contextstarter.it.clock;

import java.time.Duration;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.TimeSource;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The {@link TaskSchedulerContract} on a {@link ClockJumpAwareTaskScheduler} decorating a
 * {@link ThreadPoolTaskScheduler}, with the defaults of the auto-configuration.
 */
class ClockJumpAwareTaskSchedulerContractTests extends TaskSchedulerContract {

	@Override
	Subject create() {
		ThreadPoolTaskScheduler pool = pool();
		ClockJumpAwareTaskScheduler scheduler = ClockJumpAwareTaskScheduler.decorate(pool, TimeSource.system(),
				Duration.ofSeconds(1), Duration.ofSeconds(1));
		return new Subject(scheduler, pool, scheduler::setErrorHandler, scheduler::destroy);
	}

	@Override
	boolean clockJumpAwareInApplications() {
		return true;
	}

}
