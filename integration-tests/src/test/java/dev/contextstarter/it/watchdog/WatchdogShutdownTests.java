package dev.contextstarter.it.watchdog;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.Watchdog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the application context stops its watchdog thread and removes its Reactor hook,
 * and leaves those of other contexts in the same JVM (such as cached test contexts)
 * alone.
 */
class WatchdogShutdownTests {

	@Test
	void closingTheApplicationLeavesNoWatchdogThreadOrHook() throws ReflectiveOperationException {
		Set<Thread> threadsBefore = watchdogThreads();
		Set<String> hooksBefore = scheduleHookKeys();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WatchdogTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1")
			.run();
		Watchdog watchdog = context.getBean(Watchdog.class);
		String hookKey = context.getBean(ReactorTaskTimer.class).hookKey();
		try {
			assertThat(watchdog.isRunning()).isTrue();
			assertThat(watchdogThreads()).containsAll(threadsBefore).hasSize(threadsBefore.size() + 1);
			assertThat(scheduleHookKeys()).containsAll(hooksBefore).contains(hookKey);
		}
		finally {
			context.close();
		}
		assertThat(watchdog.isRunning()).isFalse();
		assertThat(watchdogThreads()).isEqualTo(threadsBefore);
		assertThat(scheduleHookKeys()).isEqualTo(hooksBefore).doesNotContain(hookKey);
	}

	private static Set<Thread> watchdogThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(Watchdog.THREAD_NAME) && thread.isAlive())
			.collect(Collectors.toSet());
	}

	/**
	 * Reactor has no public read of its hooks: read the map its hook methods maintain.
	 */
	private static Set<String> scheduleHookKeys() throws ReflectiveOperationException {
		Field hooks = Schedulers.class.getDeclaredField("onScheduleHooks");
		hooks.setAccessible(true);
		Map<?, ?> map = (Map<?, ?>) hooks.get(null);
		synchronized (map) {
			return map.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
		}
	}

}
