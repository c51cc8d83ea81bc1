package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.Watchdog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the application context stops the watchdog thread and removes the Reactor hook.
 */
class WatchdogShutdownTests {

	@Test
	void closingTheApplicationLeavesNoWatchdogThreadOrHook() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WatchdogTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1")
			.run();
		Watchdog watchdog = context.getBean(Watchdog.class);
		try {
			assertThat(watchdog.isRunning()).isTrue();
			assertThat(watchdogThreads()).hasSize(1);
			assertThat(stackOfParallelTask()).anyMatch(WatchdogShutdownTests::isTimedTaskFrame);
		}
		finally {
			context.close();
		}
		assertThat(watchdog.isRunning()).isFalse();
		assertThat(watchdogThreads()).isEmpty();
		assertThat(stackOfParallelTask()).noneMatch(WatchdogShutdownTests::isTimedTaskFrame);
	}

	private static List<Thread> watchdogThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(Watchdog.THREAD_NAME) && thread.isAlive())
			.toList();
	}

	private static boolean isTimedTaskFrame(StackTraceElement frame) {
		return frame.getClassName().startsWith(ReactorTaskTimer.class.getName() + "$");
	}

	private static List<StackTraceElement> stackOfParallelTask() {
		return Mono.fromCallable(() -> Arrays.asList(new Throwable().getStackTrace()))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(5));
	}

}
