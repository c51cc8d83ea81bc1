package dev.contextstarter.it.webflux;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.test.RequestContextLeakCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request context over a real Reactor Netty server on a random port, called with a
 * real {@link WebClient}, propagating to a second real server.
 */
@SpringBootTest(classes = WebFluxTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "context.fields.tenant.header=X-Tenant-ID", "context.fields.tenant.mdc-key=tenantId",
				"logging.level.dev.contextstarter=DEBUG" })
@ExtendWith({ OutputCaptureExtension.class, RequestContextLeakCheck.class })
class WebFluxRequestContextTests extends DownstreamServerTests {

	static final Pattern UUID_V4 = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meterRegistry;

	WebClient client() {
		// A plain client: it must not add IDs itself.
		return WebClient.create("http://127.0.0.1:" + this.port);
	}

	ResponseEntity<Map<String, String>> get(String path, String... headers) {
		return client().get().uri(path).headers((h) -> {
			for (int i = 0; i < headers.length; i += 2) {
				h.add(headers[i], headers[i + 1]);
			}
		}).exchangeToMono((response) -> response.toEntity(new ParameterizedTypeReference<Map<String, String>>() {
		})).block(Duration.ofSeconds(10));
	}

	@Test
	void validInboundIdIsUsedEverywhereAndEchoed(CapturedOutput output) {
		ResponseEntity<Map<String, String>> response = get("/echo", "X-Request-ID", "abc-123:x/y=z+1_.");
		assertThat(response.getHeaders().getFirst("X-Request-ID")).isEqualTo("abc-123:x/y=z+1_.");
		assertThat(response.getBody()).containsEntry("holder", "abc-123:x/y=z+1_.")
			.containsEntry("mdc", "abc-123:x/y=z+1_.")
			.containsEntry("logId", "abc-123:x/y=z+1_.");
		assertThat(output).containsPattern("\\[abc-123:x/y=z\\+1_\\.\\] .*handling echo");
	}

	@Test
	void missingIdIsGeneratedAndCounted() {
		double before = rejected("missing");
		ResponseEntity<Map<String, String>> response = get("/echo");
		String id = response.getHeaders().getFirst("X-Request-ID");
		assertThat(id).matches(UUID_V4);
		assertThat(response.getBody()).containsEntry("holder", id).containsEntry("mdc", id);
		assertThat(rejected("missing")).isEqualTo(before + 1);
	}

	@Test
	void secondConfiguredHeaderIsNotUsedByDefaultAndHeaderCaseDoesNotMatter() {
		ResponseEntity<Map<String, String>> response = get("/echo", "x-REQUEST-id", "mixed-case-1");
		assertThat(response.getHeaders().getFirst("X-Request-ID")).isEqualTo("mixed-case-1");
	}

	@Test
	void fieldsAreReadIntoContextAndMdc() {
		ResponseEntity<Map<String, String>> response = get("/echo", "X-Request-ID", "with-tenant", "X-Tenant-ID",
				"acme");
		assertThat(response.getBody()).containsEntry("tenant", "acme").containsEntry("tenantMdc", "acme");
	}

	@Test
	void contextSurvivesEveryHopAndReachesTheSecondServer() {
		ResponseEntity<Map<String, String>> response = get("/hops", "X-Request-ID", "hops-1", "X-Tenant-ID", "acme");
		assertThat(response.getBody()).containsEntry("start", "hops-1")
			.containsEntry("parallel", "hops-1")
			.containsEntry("boundedElastic", "hops-1")
			.containsEntry("delay", "hops-1")
			.containsEntry("flatMapSingle", "hops-1")
			.containsEntry("downstream", "hops-1|acme")
			.containsEntry("afterWebClient", "hops-1");
	}

	@Test
	void aRequestBodyArrivingAfterTheHandlerRanIsReadInsideTheContext() {
		Flux<String> slowBody = Flux.just("first\n", "second\n", "third\n").delayElements(Duration.ofMillis(30));
		Map<String, String> seen = client().post()
			.uri("/upload")
			.header("X-Request-ID", "upload-1")
			.contentType(MediaType.TEXT_PLAIN)
			.body(slowBody, String.class)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, String>>() {
			})
			.block(Duration.ofSeconds(10));
		assertThat(seen).containsEntry("lines", "first=upload-1,second=upload-1,third=upload-1")
			.containsEntry("afterBody", "upload-1");
	}

	@Test
	void everyItemOfALongStreamIsProducedInsideTheContext() {
		List<String> items = client().get()
			.uri("/many")
			.header("X-Request-ID", "many-1")
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<Map<String, String>>() {
			})
			.map((item) -> item.get("mdc"))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(items).hasSize(1000).containsOnly("many-1");
	}

	@Test
	void headerSetByTheCallerIsNotOverwritten() {
		String body = client().get()
			.uri("/call-explicit")
			.header("X-Request-ID", "inbound-1")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
		assertThat(body).isEqualTo("explicit-1|null");
	}

	@Test
	void notFoundCarriesTheId() {
		ResponseEntity<Map<String, String>> response = get("/no-such-page", "X-Request-ID", "nf-1");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getHeaders().getFirst("X-Request-ID")).isEqualTo("nf-1");
	}

	@Test
	void rejectionsBeforeTheApplicationCarryTheId() {
		ResponseEntity<Map<String, String>> unauthorized = get("/secured/x", "X-Request-ID", "auth-1");
		assertThat(unauthorized.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(unauthorized.getHeaders().getFirst("X-Request-ID")).isEqualTo("auth-1");
		ResponseEntity<Map<String, String>> forbidden = get("/secured/x", "X-Request-ID", "auth-2", "Authorization",
				"Bearer nope");
		assertThat(forbidden.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(forbidden.getHeaders().getFirst("X-Request-ID")).isEqualTo("auth-2");
	}

	@Test
	void serverErrorCarriesTheIdAndTheErrorHandlerLogsWithIt(CapturedOutput output) {
		ResponseEntity<Map<String, String>> response = get("/boom", "X-Request-ID", "boom-1");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(response.getHeaders().getFirst("X-Request-ID")).isEqualTo("boom-1");
		// Boot's error handler logs the failure: with our MDC value and Spring's log
		// prefix.
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("500 Server Error for HTTP GET \"/boom\""))
			.findFirst()).hasValueSatisfying(
					(line) -> assertThat(line).contains(" ERROR ").contains("] [boom-1] ").contains(": [boom-1] "));
	}

	@Test
	void streamedResponseCommittedEarlyCarriesTheId() {
		List<Map<String, String>> items = client().get()
			.uri("/stream")
			.header("X-Request-ID", "stream-1")
			.exchangeToFlux((response) -> {
				assertThat(response.headers().asHttpHeaders().getFirst("X-Request-ID")).isEqualTo("stream-1");
				return response.bodyToFlux(new ParameterizedTypeReference<Map<String, String>>() {
				});
			})
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(items).hasSize(3).allSatisfy((item) -> assertThat(item).containsEntry("mdc", "stream-1"));
	}

	@Test
	void headersRemovedByTheApplicationAreGivenTheRequestsIdBack() {
		ResponseEntity<String> response = client().get()
			.uri("/headers-cleared")
			.header("X-Request-ID", "cleared-1")
			.retrieve()
			.toEntity(String.class)
			.block(Duration.ofSeconds(10));
		assertThat(response.getBody()).isEqualTo("cleared");
		assertThat(response.getHeaders().get("X-Request-ID")).containsExactly("cleared-1");
	}

	@Test
	void testThreadHoldsNoContextAfterRequests() {
		get("/hops", "X-Request-ID", "leak-1");
		assertThat(RequestIdContextHolder.current()).isNull();
	}

	private double rejected(String reason) {
		var counter = this.meterRegistry.find("context.requestid.rejected").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
