package dev.contextstarter.sample;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A plain HTTP client for one sample node, as curl would use it.
 */
final class SampleClient {

	static final String REQUEST_ID_HEADER = "X-Request-ID";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	SampleClient(int port) {
		this.webClient = WebClient.create("http://127.0.0.1:" + port);
	}

	/**
	 * An order the node accepted.
	 *
	 * @param orderId the order ID from the response body
	 * @param requestId the request ID from the response header
	 * @param sku what was ordered
	 * @param quantity how many
	 */
	record PlacedOrder(String orderId, String requestId, String sku, int quantity) {
	}

	PlacedOrder place(String sku, int quantity, @Nullable String requestId) {
		ResponseEntity<Map<String, Object>> response = post(Map.of("sku", sku, "quantity", quantity), requestId);
		if (response.getStatusCode().value() != 202 || response.getBody() == null) {
			throw new AssertionError("POST /orders answered " + response.getStatusCode() + " " + response.getBody());
		}
		String responseId = response.getHeaders().getFirst(REQUEST_ID_HEADER);
		if (responseId == null || (requestId != null && !requestId.equals(responseId))) {
			throw new AssertionError("POST /orders answered request ID " + responseId + " for " + requestId);
		}
		return new PlacedOrder((String) response.getBody().get("orderId"), responseId, sku, quantity);
	}

	ResponseEntity<Map<String, Object>> post(Object body, @Nullable String requestId) {
		return this.webClient.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).headers((headers) -> {
			if (requestId != null) {
				headers.set(REQUEST_ID_HEADER, requestId);
			}
		}).bodyValue(body).exchangeToMono((response) -> response.toEntity(JSON_OBJECT)).block(TIMEOUT);
	}

	ResponseEntity<Map<String, Object>> order(String orderId) {
		return this.webClient.get()
			.uri("/orders/{id}", orderId)
			.exchangeToMono((response) -> response.toEntity(JSON_OBJECT))
			.block(TIMEOUT);
	}

	@Nullable Object orderField(String orderId, String field) {
		ResponseEntity<Map<String, Object>> response = order(orderId);
		return (response.getStatusCode().is2xxSuccessful() && response.getBody() != null)
				? response.getBody().get(field) : null;
	}

}
