package dev.contextstarter.it.webflux;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import dev.contextstarter.requestid.RequestIdRejection;
import dev.contextstarter.requestid.RequestIdRejectionListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rejection listener bean that throws does not break the request whose ID was replaced,
 * and the listeners after it are still told.
 */
@SpringBootTest(classes = { WebFluxTestApplication.class, ThrowingRejectionListenerTests.Listeners.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ThrowingRejectionListenerTests {

	@LocalServerPort
	int port;

	@Autowired
	Listeners listeners;

	@Test
	void theRequestIsServedWithANewIdAndTheNextListenerIsTold(CapturedOutput output) {
		ResponseEntity<String> response = WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri("/echo")
			.header("X-Request-ID", "not!valid")
			.retrieve()
			.toEntity(String.class)
			.block(Duration.ofSeconds(10));
		assertThat(response.getStatusCode().is2xxSuccessful()).isTrue();
		assertThat(response.getHeaders().getFirst("X-Request-ID")).matches(WebFluxRequestContextTests.UUID_V4);
		assertThat(this.listeners.seen).containsExactly("http " + RequestIdRejection.INVALID);
		assertThat(output).contains("Listener failing rejection listener failed")
			.contains("rejection listener failed on purpose")
			.doesNotContain("not!valid");
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Bean
		@Order(1)
		RequestIdRejectionListener failingRejectionListener() {
			return new RequestIdRejectionListener() {

				@Override
				public void rejected(String source, RequestIdRejection reason) {
					throw new IllegalStateException("rejection listener failed on purpose");
				}

				@Override
				public String toString() {
					return "failing rejection listener";
				}

			};
		}

		@Bean
		@Order(2)
		RequestIdRejectionListener recordingRejectionListener() {
			return (source, reason) -> this.seen.add(source + " " + reason);
		}

	}

}
