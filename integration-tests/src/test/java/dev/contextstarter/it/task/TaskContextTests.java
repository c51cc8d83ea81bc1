package dev.contextstarter.it.task;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.clock.ClockJumpAwareTaskScheduler;
import dev.contextstarter.clock.actuate.ClockEndpoint;
import dev.contextstarter.clock.actuate.ClockEndpoint.TaskDescriptor;
import dev.contextstarter.test.RequestContextLeakCheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every row of issue 14's table on a real server, asserted on log lines from the real
 * logging system (Boot's console pattern, captured from standard output), with a leak
 * check after each test: no context left on any executor or scheduler thread.
 */
@SpringBootTest(classes = TaskTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=clock")
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
class TaskContextTests {

	static final Pattern UUID_V4 = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

	@LocalServerPort
	int port;

	@Autowired
	TaskTestApplication.Ticker ticker;

	@Test
	void asyncMethodRunsUnderTheRequestsId(CapturedOutput output) {
		String body = get("/async", "async-1");
		assertThat(body).startsWith("async-1 ");
		assertThat(logLine(output, "async work on")).contains("[async-1] ");
		// the user's own TaskDecorator is kept, and runs inside the request's context
		assertThat(TaskTestApplication.userDecoratorSaw).contains("async-1");
		assertThreadKind(body);
	}

	@Test
	void taskSchedulerRunsALaterTaskUnderTheRequestsId(CapturedOutput output) {
		// the MDC, then ScheduledRun.current().requestId()
		assertThat(get("/later", "later-1")).isEqualTo("later-1 later-1");
		assertThat(logLine(output, "scheduled later")).contains("[later-1] ");
	}

	@Test
	void restClientOnBoundedElasticSendsTheRequestsId(CapturedOutput output) {
		assertThat(get("/rest-client", "rest-1")).isEqualTo("rest-1");
		assertThat(logLine(output, "calling with RestClient")).contains("[rest-1] ");
		assertThat(logLine(output, "callee received rest-1")).contains("[rest-1] ");
	}

	@Test
	void restClientKeepsAHeaderTheCallerSet() {
		assertThat(get("/rest-client?callerId=caller-set", "rest-2")).isEqualTo("caller-set");
	}

	@Test
	void restTemplateSendsTheRequestsId() {
		assertThat(get("/rest-template", "tmpl-1")).isEqualTo("tmpl-1");
	}

	@Test
	void everyScheduledRunHasItsOwnId(CapturedOutput output) {
		this.ticker.runIds.clear();
		this.ticker.recording = true;
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.ticker.runIds.size() >= 3);
		}
		finally {
			this.ticker.recording = false;
		}
		List<String> ids = sameIdEverywhere(this.ticker.runIds);
		assertThat(ids).doesNotHaveDuplicates().allMatch((id) -> UUID_V4.matcher(id).matches());
		List<String> lines = output.getOut().lines().filter((line) -> line.endsWith(": scheduled tick")).toList();
		for (String id : ids) {
			assertThat(lines).anySatisfy((line) -> assertThat(line).contains("[" + id + "] "));
		}
	}

	/**
	 * Each run's {@code ScheduledRun}, holder and MDC IDs, which must agree; return them.
	 */
	static List<String> sameIdEverywhere(List<TaskTestApplication.RunIds> runs) {
		return runs.stream().map((run) -> {
			assertThat(run.holder()).as("holder's ID").isEqualTo(run.scheduledRun());
			assertThat(run.mdc()).as("MDC's ID").isEqualTo(run.scheduledRun());
			return run.scheduledRun();
		}).toList();
	}

	@Autowired(required = false)
	ClockJumpAwareTaskScheduler clockScheduler;

	@Autowired
	ClockEndpoint clockEndpoint;

	@Test
	void aCronRunsScheduledRunCarriesItsOwnIdWhichTheClockEndpointShowsForTheLatestRun() {
		String task = TaskTestApplication.Ticker.class.getName() + ".everySecond";
		int before = this.ticker.cronIds.size();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ticker.cronIds.size() >= before + 2);
		List<String> ids = sameIdEverywhere(this.ticker.cronIds);
		assertThat(ids).doesNotHaveDuplicates().allMatch((id) -> UUID_V4.matcher(id).matches());
		// the endpoint shows the latest finished run: wait until the latest run recorded
		// has finished
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<TaskTestApplication.RunIds> runs = List.copyOf(this.ticker.cronIds);
			TaskDescriptor descriptor = this.clockEndpoint.clock()
				.wallTasks()
				.stream()
				.filter((each) -> each.task().equals(task))
				.findFirst()
				.orElseThrow();
			assertThat(descriptor.lastRunRequestId()).isEqualTo(runs.get(runs.size() - 1).scheduledRun());
		});
	}

	@Test
	void theInjectedTaskSchedulerIsTheStartersOwn() {
		assertThat(this.clockScheduler).isNotNull();
	}

	void assertThreadKind(String asyncBody) {
		assertThat(asyncBody).doesNotContain("VirtualThread");
	}

	String get(String path, String requestId) {
		return WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri(path)
			.header("X-Request-ID", requestId)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	static String logLine(CapturedOutput output, String message) {
		return output.getOut()
			.lines()
			.filter((line) -> line.contains(message))
			.reduce((first, second) -> second)
			.orElseThrow(() -> new AssertionError("no log line with '" + message + "' in:\n" + output.getOut()));
	}

}
