package dev.contextstarter.it.task;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import dev.contextstarter.clock.ScheduledRun;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * A WebFlux application written as a user would, with no context code of its own: it
 * hands work to {@code @Async}, to the injected {@code TaskScheduler}, calls itself with
 * a {@code RestClient} and a {@code RestTemplate} from Boot's builders, and has a
 * {@code @Scheduled} task. It declares a {@code TaskDecorator} of its own, which must
 * stay.
 */
@SpringBootApplication
@EnableAsync
@EnableScheduling
public class TaskTestApplication {

	static final Log logger = LogFactory.getLog(TaskTestApplication.class);

	/** The request IDs the user's own decorator saw when its tasks ran. */
	static final List<String> userDecoratorSaw = new CopyOnWriteArrayList<>();

	@Bean
	TaskDecorator userTaskDecorator() {
		return (runnable) -> () -> {
			userDecoratorSaw.add(String.valueOf(MDC.get("requestId")));
			runnable.run();
		};
	}

	/**
	 * Boot makes no {@code RestTemplateBuilder} in a reactive web application; a user who
	 * wants one there builds it with the auto-configured customizers.
	 */
	@Bean
	RestTemplateBuilder restTemplateBuilder(ObjectProvider<RestTemplateCustomizer> customizers) {
		return new RestTemplateBuilder().customizers(customizers.orderedStream().toList());
	}

	@Bean
	Ticker ticker() {
		return new Ticker();
	}

	@Service
	static class AsyncWork {

		@Async
		public CompletableFuture<String> work() {
			logger.info("async work on " + Thread.currentThread());
			return CompletableFuture.completedFuture(mdc() + " " + Thread.currentThread());
		}

	}

	/**
	 * {@code @Scheduled} tasks that record the IDs each run sees (the fixed-delay one
	 * while a test wants it to).
	 */
	static class Ticker {

		final List<RunIds> runIds = new CopyOnWriteArrayList<>();

		volatile boolean recording;

		final List<RunIds> cronIds = new CopyOnWriteArrayList<>();

		@Scheduled(fixedDelay = 50)
		void tick() {
			if (this.recording) {
				logger.info("scheduled tick");
				this.runIds.add(RunIds.now());
			}
		}

		@Scheduled(cron = "* * * * * *")
		void everySecond() {
			this.cronIds.add(RunIds.now());
		}

	}

	/**
	 * The request IDs one run sees, read in the run.
	 *
	 * @param scheduledRun {@code ScheduledRun.current().requestId()}
	 * @param holder {@code RequestIdContextHolder.currentRequestId()}
	 * @param mdc the MDC's {@code requestId}
	 */
	record RunIds(String scheduledRun, String holder, String mdc) {

		static RunIds now() {
			return new RunIds(scheduledRunId(), String.valueOf(RequestIdContextHolder.currentRequestId()),
					TaskTestApplication.mdc());
		}

	}

	@RestController
	static class TaskController {

		private final AsyncWork asyncWork;

		private final TaskScheduler taskScheduler;

		private final RestClient.Builder restClientBuilder;

		private final RestTemplateBuilder restTemplateBuilder;

		private final Environment environment;

		TaskController(AsyncWork asyncWork, TaskScheduler taskScheduler, RestClient.Builder restClientBuilder,
				RestTemplateBuilder restTemplateBuilder, Environment environment) {
			this.asyncWork = asyncWork;
			this.taskScheduler = taskScheduler;
			this.restClientBuilder = restClientBuilder;
			this.restTemplateBuilder = restTemplateBuilder;
			this.environment = environment;
		}

		@GetMapping("/async")
		Mono<String> async() {
			return Mono.fromFuture(this.asyncWork.work());
		}

		@GetMapping("/later")
		Mono<String> later() {
			CompletableFuture<String> seen = new CompletableFuture<>();
			this.taskScheduler.schedule(() -> {
				logger.info("scheduled later");
				seen.complete(mdc() + " " + scheduledRunId());
			}, Instant.now().plusMillis(200));
			return Mono.fromFuture(seen);
		}

		@GetMapping("/rest-client")
		Mono<String> restClient(@RequestParam(required = false) String callerId) {
			return Mono.fromCallable(() -> {
				logger.info("calling with RestClient");
				return this.restClientBuilder.baseUrl(baseUrl()).build().get().uri("/callee").headers((headers) -> {
					if (callerId != null) {
						headers.set("X-Request-ID", callerId);
					}
				}).retrieve().body(String.class);
			}).subscribeOn(Schedulers.boundedElastic());
		}

		@GetMapping("/rest-template")
		Mono<String> restTemplate() {
			return Mono.fromCallable(() -> {
				RestTemplate template = this.restTemplateBuilder.rootUri(baseUrl()).build();
				return template.getForObject("/callee", String.class);
			}).subscribeOn(Schedulers.boundedElastic());
		}

		@GetMapping("/callee")
		String callee(@RequestHeader(name = "X-Request-ID", required = false) String received) {
			logger.info("callee received " + received);
			return String.valueOf(received);
		}

		private String baseUrl() {
			return "http://127.0.0.1:" + this.environment.getProperty("local.server.port");
		}

	}

	static String mdc() {
		return String.valueOf(MDC.get("requestId"));
	}

	static String scheduledRunId() {
		ScheduledRun run = ScheduledRun.current();
		return (run != null) ? String.valueOf(run.requestId()) : "no run";
	}

}
