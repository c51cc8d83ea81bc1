package dev.contextstarter.it.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;

import dev.contextstarter.it.amqp.ListenerTestApplication.Seen;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;
import dev.contextstarter.requestid.reactor.RequestContextRestoring;
import dev.contextstarter.test.TestBroker;

import static dev.contextstarter.it.amqp.ListenerTestApplication.SEEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request context over a real RabbitMQ broker: publish, consume on Simple and Direct
 * containers, retry, header types, async listeners, replies and batches.
 */
@SpringBootTest(classes = ListenerTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.rabbitmq.listener.simple.concurrency=1",
				"spring.rabbitmq.listener.simple.max-concurrency=1",
				"spring.rabbitmq.listener.simple.retry.enabled=true",
				"spring.rabbitmq.listener.simple.retry.max-retries=2",
				"spring.rabbitmq.listener.simple.retry.initial-interval=10ms",
				"spring.rabbitmq.listener.simple.default-requeue-rejected=false" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class AmqpRequestContextBrokerTests {

	private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Autowired
	private RabbitTemplate rabbitTemplate;

	@Autowired
	private MeterRegistry meterRegistry;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void brokerIsRunning() {
		TestBroker.requireRunning();
	}

	@BeforeEach
	void clear() {
		SEEN.clear();
	}

	@Test
	void simpleContainerThreadReuseNeverCarriesAnEarlierId(CapturedOutput output) throws Exception {
		threadReuse(ListenerTestApplication.SIMPLE, "simple", output);
	}

	@Test
	void directContainerThreadReuseNeverCarriesAnEarlierId(CapturedOutput output) throws Exception {
		threadReuse(ListenerTestApplication.DIRECT, "direct", output);
	}

	private void threadReuse(String queue, String listener, CapturedOutput output) throws Exception {
		String idA = "reuse-A-" + this.run;
		String idB = "reuse-B-" + this.run;
		sendInContext(queue, "A-" + this.run, idA);
		send(queue, "none-" + this.run, null);
		send(queue, "invalid-" + this.run, "bad id\nforged");
		send(queue, "throw-" + this.run, null);
		sendInContext(queue, "B-" + this.run, idB);

		// Three attempts for the throwing message (max-retries 2), one for each other
		// message.
		List<Seen> seen = await(7, (each) -> each.listener().equals(listener));
		assertThat(seen).allSatisfy((each) -> assertThat(each.mdcRequestId()).isEqualTo(each.requestId()));
		assertThat(seen).extracting(Seen::label)
			.containsExactly("A-" + this.run, "none-" + this.run, "invalid-" + this.run, "throw-" + this.run,
					"throw-" + this.run, "throw-" + this.run, "B-" + this.run);
		String noneId = seen.get(1).requestId();
		String invalidId = seen.get(2).requestId();
		String throwId = seen.get(3).requestId();
		assertThat(seen.get(0).requestId()).isEqualTo(idA);
		assertThat(List.of(noneId, invalidId, throwId)).allSatisfy((id) -> assertThat(id).matches(UUID_PATTERN))
			.doesNotHaveDuplicates();
		assertThat(seen.subList(3, 6)).extracting(Seen::requestId).containsOnly(throwId);
		assertThat(seen.get(6).requestId()).isEqualTo(idB);
		if (listener.equals("simple")) {
			// Concurrency 1: every message ran on the one reused consumer thread.
			assertThat(seen).extracting(Seen::thread).containsOnly(seen.get(0).thread());
		}

		// Log lines: each carries its own message's ID; the retry recoverer logs with the
		// failing message's ID.
		assertThat(linesContaining(output, listener + " handling none-" + this.run)).singleElement()
			.asString()
			.contains("[" + noneId + "]");
		assertThat(linesContaining(output, listener + " handling throw-" + this.run)).hasSize(3)
			.allSatisfy((line) -> assertThat(line).contains("[" + throwId + "]"));
		assertThat(linesContaining(output, "Retries exhausted for message"))
			.filteredOn((line) -> line.contains("x-request-id=" + throwId))
			.singleElement()
			.asString()
			.contains("[" + throwId + "]");
		// The container's error handler runs after the listener returned; it logs under
		// the ID too.
		Awaitility.await()
			.atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(linesContaining(output, "Execution of Rabbit message listener failed"))
				.singleElement()
				.asString()
				.contains("[" + throwId + "]"));
		assertThat(linesContaining(output, idA)).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).contains("A-" + this.run));
	}

	@Test
	void publishingStampsTheCurrentContextAndKeepsWhatTheCallerSet() throws Exception {
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of("pub-" + this.run))) {
			MessageProperties properties = new MessageProperties();
			properties.setMessageId("message-id-" + this.run);
			properties.setCorrelationId("correlation-" + this.run);
			this.rabbitTemplate.send("", ListenerTestApplication.SYNC,
					new Message("stamped".getBytes(StandardCharsets.UTF_8), properties));
			MessageProperties callerSet = new MessageProperties();
			callerSet.setHeader("x-request-id", "caller-" + this.run);
			this.rabbitTemplate.send("", ListenerTestApplication.SIMPLE,
					new Message(("caller-" + this.run).getBytes(StandardCharsets.UTF_8), callerSet));
		}
		Message reply = this.rabbitTemplate.receive(ListenerTestApplication.REPLIES, TIMEOUT.toMillis());
		assertThat(reply).isNotNull();
		// @SendTo reply: the listener ran under the ID and the reply carries it back.
		assertThat(body(reply)).startsWith("pub-" + this.run + "|pub-" + this.run + "|");
		assertThat((String) reply.getMessageProperties().getHeader("x-request-id")).isEqualTo("pub-" + this.run);
		assertThat(reply.getMessageProperties().getCorrelationId()).isEqualTo("correlation-" + this.run);
		assertThat(await(1, (each) -> each.label().equals("caller-" + this.run)).get(0).requestId())
			.isEqualTo("caller-" + this.run);
	}

	@Test
	void publishingFromReactorChainsOnOtherSchedulersCarriesTheContext() throws Exception {
		// A chain started in a context of one's own choosing.
		RequestContextRestoring
			.mono(Mono.just("reactor-parallel-" + this.run)
				.publishOn(Schedulers.parallel())
				.doOnNext((label) -> this.rabbitTemplate.convertAndSend("", ListenerTestApplication.SIMPLE, label)),
					RequestIdContext.of("parallel-" + this.run))
			.block(TIMEOUT);
		// A chain subscribed inside the current context.
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of("elastic-" + this.run))) {
			Mono.fromRunnable(() -> this.rabbitTemplate.convertAndSend("", ListenerTestApplication.SIMPLE,
					"reactor-elastic-" + this.run))
				.subscribeOn(Schedulers.boundedElastic())
				.block(TIMEOUT);
		}
		// A context only in the Reactor Context: handle restores it.
		Mono.delay(Duration.ofMillis(5)).subscribeOn(Schedulers.single()).handle((tick, sink) -> {
			this.rabbitTemplate.convertAndSend("", ListenerTestApplication.SIMPLE, "reactor-single-" + this.run);
			sink.next(tick);
		})
			.contextWrite(Context.of(RequestContextAccessor.KEY, RequestIdContext.of("single-" + this.run)))
			.block(TIMEOUT);
		List<Seen> seen = await(3, (each) -> each.label().startsWith("reactor-"));
		assertThat(seen).extracting(Seen::label, Seen::requestId)
			.containsExactlyInAnyOrder(
					org.assertj.core.groups.Tuple.tuple("reactor-parallel-" + this.run, "parallel-" + this.run),
					org.assertj.core.groups.Tuple.tuple("reactor-elastic-" + this.run, "elastic-" + this.run),
					org.assertj.core.groups.Tuple.tuple("reactor-single-" + this.run, "single-" + this.run));
	}

	@Test
	void headerValuesOfEveryTypeAreHandledWithoutCrashingTheListener() throws Exception {
		double rejectedBefore = rejected("invalid");
		String longValue = "x".repeat(2000);
		for (String queue : List.of(ListenerTestApplication.SIMPLE, ListenerTestApplication.DIRECT)) {
			sendRaw(queue, "type-string", "string-id-" + this.run);
			sendRaw(queue, "type-bytes", ("bytes-id-" + this.run).getBytes(StandardCharsets.US_ASCII));
			sendRaw(queue, "type-number", 12345);
			sendRaw(queue, "type-null", null);
			sendRaw(queue, "type-long", longValue);
			sendRaw(queue, "type-unicode", "caf\u00e9-" + this.run);
			sendRaw(queue, "type-last", "last-" + this.run);
		}
		List<Seen> seen = await(14, (each) -> each.label().startsWith("type-"));
		for (String listener : List.of("simple", "direct")) {
			List<Seen> mine = seen.stream().filter((each) -> each.listener().equals(listener)).toList();
			assertThat(mine).extracting(Seen::label)
				.containsExactly("type-string", "type-bytes", "type-number", "type-null", "type-long", "type-unicode",
						"type-last");
			assertThat(mine.get(0).requestId()).isEqualTo("string-id-" + this.run);
			assertThat(mine.get(1).requestId()).isEqualTo("bytes-id-" + this.run);
			assertThat(mine.get(2).requestId()).isEqualTo("12345");
			// null, over 1,024 bytes (LongString on Simple, DataInputStream on Direct),
			// non-ASCII: fresh IDs.
			assertThat(mine.subList(3, 6)).extracting(Seen::requestId)
				.allSatisfy((id) -> assertThat(id).matches(UUID_PATTERN));
			assertThat(mine.get(6).requestId()).isEqualTo("last-" + this.run);
		}
		assertThat(rejected("invalid") - rejectedBefore).isEqualTo(6);
	}

	@Test
	void monoListenerKeepsTheContextAfterAThreadHopAndRepliesWithIt(CapturedOutput output) {
		String id = "mono-" + this.run;
		Message reply;
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of(id))) {
			reply = this.rabbitTemplate.sendAndReceive("", ListenerTestApplication.MONO,
					new Message("mono".getBytes(StandardCharsets.UTF_8), new MessageProperties()));
		}
		assertThat(reply).isNotNull();
		assertThat((String) reply.getMessageProperties().getHeader("x-request-id")).isEqualTo(id);
		String[] beforeAndAfter = body(reply).split("~");
		assertThat(beforeAndAfter[0]).startsWith(id + "|" + id + "|");
		assertThat(beforeAndAfter[1]).startsWith(id + "|" + id + "|");
		// The work after the hop ran on another thread than the listener's.
		assertThat(beforeAndAfter[1].substring(beforeAndAfter[1].lastIndexOf('|')))
			.isNotEqualTo(beforeAndAfter[0].substring(beforeAndAfter[0].lastIndexOf('|')));
		assertThat(linesContaining(output, "mono listener after thread hop")).last()
			.asString()
			.contains("[" + id + "]");
	}

	@Test
	void asyncListenerFailureIsLoggedUnderTheMessageId(CapturedOutput output) {
		String id = "mono-failing-" + this.run;
		sendInContext(ListenerTestApplication.MONO_FAILING, "failing-" + this.run, id);
		Awaitility.await()
			.atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(linesContaining(output, "async failure on purpose for failing-" + this.run))
				.filteredOn((line) -> line.contains("mono listener failed after thread hop"))
				.singleElement()
				.asString()
				.contains("[" + id + "]"));
	}

	@Test
	void completableFutureListenerKeepsTheContextAndRepliesWithIt() {
		String id = "future-" + this.run;
		Message reply;
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of(id))) {
			reply = this.rabbitTemplate.sendAndReceive("", ListenerTestApplication.FUTURE,
					new Message("future".getBytes(StandardCharsets.UTF_8), new MessageProperties()));
		}
		assertThat(reply).isNotNull();
		assertThat((String) reply.getMessageProperties().getHeader("x-request-id")).isEqualTo(id);
		String[] beforeAndAfter = body(reply).split("~");
		assertThat(beforeAndAfter[0]).startsWith(id + "|" + id + "|");
		assertThat(beforeAndAfter[1]).isEqualTo(id + "|" + id + "|plain-hop");
	}

	@Test
	void convertSendAndReceiveCarriesTheIdThereAndBack() {
		String id = "rpc-" + this.run;
		Object answer;
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of(id))) {
			answer = this.rabbitTemplate.convertSendAndReceive("", ListenerTestApplication.SYNC, "rpc");
		}
		assertThat(answer).asString().startsWith(id + "|" + id + "|");
	}

	@Test
	void batchRunsUnderItsOwnContextAndEachMessageUnderItsOwn() throws Exception {
		for (int i = 1; i <= 4; i++) {
			sendInContext(ListenerTestApplication.BATCH, "batch-" + i, "batch-item-" + i + "-" + this.run);
		}
		List<Seen> seen = await(4, (each) -> each.listener().equals("batch"));
		assertThat(seen).allSatisfy((each) -> {
			assertThat(each.requestId()).isEqualTo(each.label().replace("batch-", "batch-item-") + "-" + this.run);
			assertThat(each.batchId()).matches(UUID_PATTERN);
		});
	}

	private void sendInContext(String queue, String label, String requestId) {
		try (var scope = RequestIdContextHolder.open(RequestIdContext.of(requestId))) {
			this.rabbitTemplate.convertAndSend("", queue, label);
		}
	}

	private void send(String queue, String label, @Nullable String rawHeader) {
		MessageProperties properties = new MessageProperties();
		if (rawHeader != null) {
			properties.setHeader("x-request-id", rawHeader);
		}
		this.rabbitTemplate.send("", queue, new Message(label.getBytes(StandardCharsets.UTF_8), properties));
	}

	private void sendRaw(String queue, String label, @Nullable Object headerValue) {
		MessageProperties properties = new MessageProperties();
		properties.getHeaders().put("x-request-id", headerValue);
		this.rabbitTemplate.send("", queue, new Message(label.getBytes(StandardCharsets.UTF_8), properties));
	}

	private double rejected(String reason) {
		var counter = this.meterRegistry.find("context.requestid.rejected")
			.tag("source", "amqp")
			.tag("reason", reason)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static List<Seen> await(int count, Predicate<Seen> filter) throws InterruptedException {
		List<Seen> matching = new ArrayList<>();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (matching.size() < count) {
			long left = deadline - System.nanoTime();
			Seen next = (left > 0) ? SEEN.poll(left, TimeUnit.NANOSECONDS) : null;
			if (next == null) {
				throw new AssertionError(
						"Expected " + count + " listener invocations within " + TIMEOUT + " but saw " + matching);
			}
			if (filter.test(next)) {
				matching.add(next);
			}
		}
		return matching;
	}

	private static List<String> linesContaining(CapturedOutput output, String text) {
		return output.getAll().lines().filter((line) -> line.contains(text)).toList();
	}

	private static String body(Message message) {
		return new String(message.getBody(), StandardCharsets.UTF_8);
	}

}
