package dev.contextstarter.it.watchdog;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * A WebFlux application with handlers that misbehave on purpose: they block the event
 * loop, block or spin on a parallel worker, or block where blocking is allowed.
 */
@SpringBootApplication
public class WatchdogTestApplication {

	@RestController
	static class MisbehavingController {

		/** Four non-blocking threads of their own, for floods of stalls. */
		private static final Scheduler FLOOD = Schedulers.newParallel("flood", 4, true);

		/** Spins on the Netty event loop that serves the request. */
		@GetMapping("/spin-on-loop")
		Mono<String> spinOnLoop(@RequestParam long millis) {
			spinOnEventLoop(millis);
			return Mono.just("spun " + RequestIdContextHolder.currentRequestId());
		}

		/** Blocks one of four "flood" workers. */
		@GetMapping("/sleep-on-flood")
		Mono<String> sleepOnFlood(@RequestParam long millis) {
			return Mono.just("x").publishOn(FLOOD).map((x) -> {
				sleepOnFloodWorker(millis);
				return "slept " + RequestIdContextHolder.currentRequestId();
			});
		}

		/** Blocks the Netty event loop that serves the request. */
		@GetMapping("/sleep-on-loop")
		Mono<String> sleepOnLoop(@RequestParam long millis) {
			sleepOnEventLoop(millis);
			return Mono.just("slept " + RequestIdContextHolder.currentRequestId());
		}

		/** Blocks a Reactor parallel worker. */
		@GetMapping("/sleep-on-parallel")
		Mono<String> sleepOnParallel(@RequestParam long millis) {
			return Mono.just("x").publishOn(Schedulers.parallel()).map((x) -> {
				sleepOnParallelWorker(millis);
				return "slept " + RequestIdContextHolder.currentRequestId();
			});
		}

		/** Spins on a Reactor parallel worker. */
		@GetMapping("/busy")
		Mono<String> busy(@RequestParam long millis) {
			return Mono.just("x").publishOn(Schedulers.parallel()).map((x) -> "spun " + spin(millis));
		}

		/** Blocks where blocking is allowed: never a stall. */
		@GetMapping("/sleep-on-bounded-elastic")
		Mono<String> sleepOnBoundedElastic(@RequestParam long millis) {
			return Mono.fromCallable(() -> {
				Thread.sleep(millis);
				return "slept on " + Thread.currentThread().getName();
			}).subscribeOn(Schedulers.boundedElastic());
		}

		/** A short request with a hop to a parallel worker and a timer. */
		@GetMapping("/quick")
		Mono<String> quick() {
			return Mono.just(1)
				.publishOn(Schedulers.parallel())
				.map((i) -> Integer.toHexString(i * 31 + 7))
				.delayElement(Duration.ofMillis(1))
				.map((value) -> "ok " + value);
		}

		static void sleepOnEventLoop(long millis) {
			sleep(millis);
		}

		static void sleepOnParallelWorker(long millis) {
			sleep(millis);
		}

		static void sleepOnFloodWorker(long millis) {
			sleep(millis);
		}

		static void spinOnEventLoop(long millis) {
			spin(millis);
		}

		static long spin(long millis) {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
			long sum = 0;
			while (System.nanoTime() < deadline) {
				sum += System.nanoTime() & 7;
			}
			return sum;
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
