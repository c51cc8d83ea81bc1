package dev.contextstarter.watchdog.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.watchdog.ManualWatchdog;
import dev.contextstarter.watchdog.WatchdogSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WatchdogEndpoint}.
 */
class WatchdogEndpointTests {

	@Test
	@SuppressWarnings("unchecked")
	void describesSettingsTotalsAndRecentStallsAsJson() throws InterruptedException {
		ManualWatchdog manual = new ManualWatchdog(WatchdogSettings.defaults().withStartupGrace(Duration.ZERO));
		Thread sleeper = new Thread(() -> {
			try (RequestIdContextHolder.Scope scope = RequestIdContextHolder
				.open(RequestIdContext.of("req-7").withField("tenant", "acme"))) {
				Thread.sleep(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "parallel-2");
		sleeper.start();
		try {
			ManualWatchdog.awaitAsleep(sleeper);
			manual.stall(sleeper, 300, 50);
		}
		finally {
			sleeper.interrupt();
			sleeper.join(5000);
		}
		WatchdogEndpoint.WatchdogDescriptor descriptor = new WatchdogEndpoint(manual.watchdog()).watchdog();
		Map<String, Object> json = JsonMapper.builder()
			.findAndAddModules()
			.build()
			.readValue(JsonMapper.builder().findAndAddModules().build().writeValueAsString(descriptor), Map.class);
		assertThat(json).containsEntry("running", false);
		assertThat((Map<String, Object>) json.get("settings")).containsEntry("thresholdMillis", 200)
			.containsEntry("checkIntervalMillis", 50)
			.containsEntry("recentStalls", 50);
		assertThat((Map<String, Object>) json.get("totals")).containsEntry("stalls", 1).containsEntry("blocked", 1);
		assertThat((List<?>) json.get("inProgress")).isEmpty();
		List<Map<String, Object>> recent = (List<Map<String, Object>>) json.get("recent");
		assertThat(recent).singleElement().satisfies((stall) -> {
			assertThat(stall).containsEntry("thread", "parallel-2")
				.containsEntry("pool", "parallel")
				.containsEntry("source", "scheduler-task")
				.containsEntry("cause", "blocked")
				.containsEntry("threadState", "TIMED_WAITING")
				.containsEntry("requestId", "req-7")
				.containsEntry("fields", Map.of("tenant", "acme"))
				.containsEntry("ended", true)
				.containsEntry("thresholdMillis", 200);
			assertThat((List<String>) stall.get("stack"))
				.anySatisfy((frame) -> assertThat(frame).contains("java.lang.Thread.sleep("));
			assertThat(((Number) stall.get("samples")).intValue()).isPositive();
			assertThat((List<Map<String, Object>>) stall.get("hotFrames")).singleElement().satisfies((hot) -> {
				assertThat((String) hot.get("frame")).startsWith("Thread.sleep ← WatchdogEndpointTests.lambda$");
				assertThat(((Number) hot.get("share")).doubleValue()).isEqualTo(1.0);
			});
		});
		assertThat((Map<String, Object>) json.get("totals")).containsEntry("loggedInFull", 1)
			.containsEntry("summarized", 0)
			.containsEntry("blockingCalls", 0);
		assertThat((List<?>) json.get("recentBlockingCalls")).isEmpty();
	}

}
