package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.test.StallCapture;
import dev.contextstarter.watchdog.StallCause;
import dev.contextstarter.watchdog.StallReport;
import dev.contextstarter.watchdog.StallSource;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watchdog in a real WebFlux application on Reactor Netty, called over HTTP with a
 * real {@link WebClient}: stalls are reported while the thread is still stuck, with the
 * request ID the client sent and the stack of the blocking method.
 */
@SpringBootTest(classes = WatchdogTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.watchdog.startup-grace=0s", "context.watchdog.threshold=200ms",
				"context.watchdog.report-interval=0s", "management.endpoints.web.exposure.include=watchdog" })
class WatchdogBehaviourTests {

	private static final String CONTROLLER = WatchdogTestApplication.MisbehavingController.class.getName();

	@LocalServerPort
	int port;

	@Autowired
	Watchdog watchdog;

	@Autowired
	MeterRegistry meterRegistry;

	private StallCapture capture;

	private static boolean warmedUp;

	@BeforeEach
	void capture() {
		warmUp();
		this.capture = StallCapture.of(this.watchdog);
	}

	/**
	 * The first requests load classes on the event loop: a real stall, but not the one
	 * under test.
	 */
	private void warmUp() {
		if (warmedUp) {
			return;
		}
		for (String path : List.of("/quick", "/sleep-on-loop?millis=0", "/sleep-on-parallel?millis=0", "/busy?millis=0",
				"/sleep-on-bounded-elastic?millis=0")) {
			get(path, "warm-up").block(Duration.ofSeconds(30));
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.watchdog.stalledNow() == 0);
		warmedUp = true;
	}

	@AfterEach
	void release() {
		this.capture.close();
	}

	@Test
	void sleepInAHandlerOnTheEventLoopIsReportedWhileStuckWithTheRequestId() {
		AtomicBoolean answered = new AtomicBoolean();
		Mono<String> call = get("/sleep-on-loop?millis=1500", "it-loop-1").doOnNext((body) -> answered.set(true))
			.cache();
		call.subscribe();
		StallReport report = this.capture.awaitStall(Duration.ofSeconds(10),
				(stall) -> "it-loop-1".equals(stall.requestId()));
		assertThat(answered).isFalse();
		assertThat(report.source()).isEqualTo(StallSource.EVENT_LOOP);
		assertThat(report.threadName()).contains("-http-");
		assertThat(report.requestId()).isEqualTo("it-loop-1");
		assertThat(report.cause()).isEqualTo(StallCause.BLOCKED);
		assertThat(report.hasFrame(CONTROLLER, "sleepOnEventLoop")).isTrue();
		assertThat(call.block(Duration.ofSeconds(10))).isEqualTo("slept it-loop-1");
		assertThat(this.capture.awaitRecovery(report, Duration.ofSeconds(5)).total())
			.isGreaterThan(Duration.ofMillis(200));
	}

	@Test
	void sleepInAPublishOnParallelStepIsReportedWhileStuckWithTheRequestId() {
		AtomicBoolean answered = new AtomicBoolean();
		Mono<String> call = get("/sleep-on-parallel?millis=1500", "it-parallel-1")
			.doOnNext((body) -> answered.set(true))
			.cache();
		call.subscribe();
		StallReport report = this.capture.awaitStall(Duration.ofSeconds(10),
				(stall) -> "it-parallel-1".equals(stall.requestId()));
		assertThat(answered).isFalse();
		assertThat(report.source()).isEqualTo(StallSource.SCHEDULER_TASK);
		assertThat(report.pool()).isEqualTo("parallel");
		assertThat(report.requestId()).isEqualTo("it-parallel-1");
		assertThat(report.cause()).isEqualTo(StallCause.BLOCKED);
		assertThat(report.hasFrame(CONTROLLER, "sleepOnParallelWorker")).isTrue();
		assertThat(call.block(Duration.ofSeconds(10))).isEqualTo("slept it-parallel-1");
		this.capture.awaitRecovery(report, Duration.ofSeconds(5));
	}

	@Test
	void aBusyLoopIsReportedAsCpuBound() {
		Mono<String> call = get("/busy?millis=800", "it-busy-1").cache();
		call.subscribe();
		StallReport report = this.capture.awaitStall(Duration.ofSeconds(10),
				(stall) -> "it-busy-1".equals(stall.requestId()));
		assertThat(report.source()).isEqualTo(StallSource.SCHEDULER_TASK);
		assertThat(report.cause()).isEqualTo(StallCause.CPU_BOUND);
		assertThat(report.requestId()).isEqualTo("it-busy-1");
		assertThat(report.hasFrame(CONTROLLER, "spin")).isTrue();
		assertThat(call.block(Duration.ofSeconds(10))).startsWith("spun");
	}

	@Test
	void blockingOnBoundedElasticIsNotReported() {
		String body = get("/sleep-on-bounded-elastic?millis=800", "it-elastic-1").block(Duration.ofSeconds(10));
		assertThat(body).startsWith("slept on boundedElastic");
		this.capture.assertNoStalls();
	}

	@Test
	@SuppressWarnings("unchecked")
	void endpointAndMetricsShowTheStall() {
		get("/sleep-on-parallel?millis=600", "it-endpoint-1").subscribe();
		StallReport report = this.capture.awaitStall(Duration.ofSeconds(10),
				(stall) -> "it-endpoint-1".equals(stall.requestId()));
		this.capture.awaitRecovery(report, Duration.ofSeconds(5));

		Map<String, Object> json = WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/actuator/watchdog")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(10));
		assertThat(json).containsEntry("running", true);
		assertThat((Map<String, Object>) json.get("settings")).containsEntry("thresholdMillis", 200)
			.containsEntry("startupGraceMillis", 0);
		assertThat(((Number) ((Map<String, Object>) json.get("totals")).get("watchedEventLoops")).intValue())
			.isPositive();
		List<Map<String, Object>> recent = (List<Map<String, Object>>) json.get("recent");
		assertThat(recent).anySatisfy((stall) -> {
			assertThat(stall).containsEntry("requestId", "it-endpoint-1")
				.containsEntry("pool", "parallel")
				.containsEntry("cause", "blocked")
				.containsEntry("ended", true);
			assertThat((List<String>) stall.get("stack"))
				.anySatisfy((frame) -> assertThat(frame).contains(CONTROLLER + ".sleepOnParallelWorker("));
			assertThat(((Number) stall.get("durationMillis")).longValue()).isGreaterThanOrEqualTo(600);
		});

		assertThat(this.meterRegistry.get(WatchdogMetrics.STALLS)
			.tag("pool", "parallel")
			.tag("cause", "blocked")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
		assertThat(this.meterRegistry.get(WatchdogMetrics.STALL_DURATION).tag("pool", "parallel").timer().count())
			.isGreaterThanOrEqualTo(1);
		assertThat(this.meterRegistry.get(WatchdogMetrics.STALLED_THREADS).gauge()).isNotNull();
		List<Timer> lag = List.copyOf(this.meterRegistry.get(WatchdogMetrics.EVENT_LOOP_LAG).timers());
		assertThat(lag).isNotEmpty().allSatisfy((timer) -> assertThat(timer.getId().getTag("loop")).contains("-http-"));
		assertThat(lag.stream().mapToLong(Timer::count).sum()).isPositive();
	}

	private Mono<String> get(String path, String requestId) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri(path)
			.header("X-Request-ID", requestId)
			.retrieve()
			.bodyToMono(String.class);
	}

}
