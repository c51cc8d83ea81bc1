package dev.contextstarter.it.webflux;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * A WebFlux application written as a user would, with no context code of its own. Its
 * endpoints report the request ID they see in the holder and in the MDC at each step.
 */
@SpringBootApplication
public class WebFluxTestApplication {

	/**
	 * Stands in for an authentication filter such as Spring Security's (a
	 * {@code WebFilter} at a very early order): answers 401 without credentials and 403
	 * with bad ones.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	WebFilter authenticationLikeFilter() {
		return (exchange, chain) -> {
			if (!exchange.getRequest().getPath().value().startsWith("/secured")) {
				return chain.filter(exchange);
			}
			String authorization = exchange.getRequest().getHeaders().getFirst("Authorization");
			exchange.getResponse()
				.setStatusCode((authorization == null) ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN);
			return exchange.getResponse().setComplete();
		};
	}

	@RestController
	static class EchoController {

		private static final Log logger = LogFactory.getLog(EchoController.class);

		private final WebClient webClient;

		EchoController(WebClient.Builder builder, @Value("${downstream.url:http://127.0.0.1:1}") String downstream) {
			this.webClient = builder.baseUrl(downstream).build();
		}

		@GetMapping("/echo")
		Mono<Map<String, String>> echo(ServerWebExchange exchange) {
			logger.info("handling echo");
			Map<String, String> seen = new LinkedHashMap<>();
			seen.put("holder", String.valueOf(RequestIdContextHolder.currentRequestId()));
			seen.put("mdc", String.valueOf(MDC.get("requestId")));
			RequestIdContext context = RequestIdContextHolder.current();
			seen.put("tenant", String.valueOf((context != null) ? context.field("tenant") : null));
			seen.put("tenantMdc", String.valueOf(MDC.get("tenantId")));
			seen.put("logId", String.valueOf(exchange.getAttributes().get(ServerWebExchange.LOG_ID_ATTRIBUTE)));
			return Mono.just(seen);
		}

		@GetMapping("/remote-address")
		Mono<String> remoteAddress(ServerWebExchange exchange) {
			// The client address as the application sees it: rewritten from forwarded
			// headers by the framework and native strategies.
			return Mono.just(String.valueOf(exchange.getRequest().getRemoteAddress()));
		}

		@GetMapping("/headers-cleared")
		Mono<String> headersCleared(ServerWebExchange exchange) {
			// An application (or a library) that starts its response headers afresh.
			exchange.getResponse().getHeaders().clear();
			return Mono.just("cleared");
		}

		@GetMapping("/hops")
		Mono<Map<String, String>> hops() {
			Map<String, String> seen = new LinkedHashMap<>();
			seen.put("start", mdc());
			return Mono.just("x")
				.publishOn(Schedulers.parallel())
				.doOnNext((x) -> seen.put("parallel", mdc()))
				.publishOn(Schedulers.boundedElastic())
				.doOnNext((x) -> seen.put("boundedElastic", mdc()))
				.delayElement(Duration.ofMillis(2))
				.doOnNext((x) -> seen.put("delay", mdc()))
				.flatMap((x) -> Mono.fromCallable(RequestIdContextHolder::currentRequestId)
					.subscribeOn(Schedulers.single())
					.doOnNext((id) -> seen.put("flatMapSingle", String.valueOf(id))))
				.flatMap((x) -> this.webClient.get().uri("/downstream").retrieve().bodyToMono(String.class))
				.doOnNext((downstreamSaw) -> {
					seen.put("downstream", downstreamSaw);
					seen.put("afterWebClient", mdc());
				})
				.thenReturn(seen);
		}

		@GetMapping("/call-explicit")
		Mono<String> callExplicit() {
			return this.webClient.get()
				.uri("/downstream")
				.header("X-Request-ID", "explicit-1")
				.retrieve()
				.bodyToMono(String.class);
		}

		@GetMapping("/boom")
		Mono<String> boom() {
			return Mono.just("x").publishOn(Schedulers.parallel()).map((x) -> {
				throw new IllegalStateException("boom on purpose");
			});
		}

		@GetMapping(path = "/stream", produces = MediaType.APPLICATION_NDJSON_VALUE)
		Flux<Map<String, String>> stream() {
			return Flux.range(1, 3)
				.delayElements(Duration.ofMillis(20))
				.map((i) -> Map.of("item", String.valueOf(i), "mdc", mdc()));
		}

		@PostMapping("/upload")
		Mono<Map<String, String>> upload(@RequestBody Flux<String> lines) {
			// The body is still on its way when this runs: it arrives later, on the event
			// loop.
			return lines.map((line) -> line.strip() + "=" + mdc())
				.collectList()
				.map((seen) -> Map.of("lines", String.join(",", seen), "afterBody", mdc()));
		}

		@GetMapping(path = "/many", produces = MediaType.APPLICATION_NDJSON_VALUE)
		Flux<Map<String, String>> many() {
			// More items than Reactor Netty requests at once, produced on demand,
			// synchronously.
			return Flux.range(1, 1000).map((i) -> Map.of("mdc", mdc()));
		}

		private static String mdc() {
			return String.valueOf(MDC.get("requestId"));
		}

	}

}
