package dev.contextstarter.requestid.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.rabbitmq.client.Channel;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.aop.framework.ProxyFactory;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.RequestIdPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RequestContextListenerAdviceTests {

	private final AmqpRequestContexts contexts = new AmqpRequestContexts(RequestIdPolicy.defaults(), "x-request-id",
			List.of());

	private final List<String> seen = new ArrayList<>();

	@AfterEach
	void noContextLeft() {
		assertThat(RequestIdContextHolder.current()).isNull();
		assertThat(MDC.get("requestId")).isNull();
	}

	@Test
	void listenerRunsInTheMessageContextAndThePreviousContextComesBack() {
		Delegate delegate = proxy(
				(data) -> this.seen.add(RequestIdContextHolder.currentRequestId() + "/" + MDC.get("requestId")));
		RequestIdContext outer = RequestIdContext.of("outer");
		try (var scope = RequestIdContextHolder.open(outer)) {
			delegate.invokeListener(null, message("a-1"));
			assertThat(RequestIdContextHolder.current()).isSameAs(outer);
			assertThat(MDC.get("requestId")).isEqualTo("outer");
		}
		assertThat(this.seen).containsExactly("a-1/a-1");
	}

	@Test
	void contextIsRestoredWhenTheListenerThrows() {
		Delegate delegate = proxy((data) -> {
			this.seen.add(RequestIdContextHolder.currentRequestId());
			throw new IllegalStateException("boom");
		});
		assertThatIllegalStateException().isThrownBy(() -> delegate.invokeListener(null, message("a-1")));
		assertThat(this.seen).containsExactly("a-1");
	}

	@Test
	void aReusedThreadNeverCarriesTheIdOfAnEarlierMessage() {
		Delegate delegate = proxy((data) -> this.seen.add(RequestIdContextHolder.currentRequestId()));
		delegate.invokeListener(null, message("a-1"));
		delegate.invokeListener(null, new Message(new byte[0], new MessageProperties()));
		delegate.invokeListener(null, message("bad id"));
		delegate.invokeListener(null, message("b-2"));
		assertThat(this.seen).hasSize(4);
		assertThat(this.seen.get(0)).isEqualTo("a-1");
		assertThat(this.seen.get(1)).isNotEqualTo("a-1").isNotNull();
		assertThat(this.seen.get(2)).isNotIn("a-1", "bad id", this.seen.get(1)).isNotNull();
		assertThat(this.seen.get(3)).isEqualTo("b-2");
	}

	@Test
	void batchRunsUnderItsOwnContextAndEachMessageCanOpenItsOwn() {
		List<Message> batch = List.of(message("m-1"), new Message(new byte[0], new MessageProperties()));
		Delegate delegate = proxy((data) -> {
			String batchId = RequestIdContextHolder.currentRequestId();
			this.seen.add(batchId);
			for (Object each : (List<?>) data) {
				try (var scope = this.contexts.open((Message) each)) {
					this.seen.add(RequestIdContextHolder.currentRequestId());
				}
				assertThat(RequestIdContextHolder.currentRequestId()).isEqualTo(batchId);
			}
		});
		delegate.invokeListener(null, batch);
		assertThat(this.seen).hasSize(3).doesNotHaveDuplicates().doesNotContainNull();
		assertThat(this.seen.get(1)).isEqualTo("m-1");
		assertThat((String) batch.get(1).getMessageProperties().getHeader("x-request-id")).isEqualTo(this.seen.get(2));
	}

	private Delegate proxy(Consumer<Object> listener) {
		ProxyFactory factory = new ProxyFactory();
		factory.addAdvice(new RequestContextListenerAdvice(() -> this.contexts));
		factory.addInterface(Delegate.class);
		factory.setTarget((Delegate) (channel, data) -> listener.accept(data));
		return (Delegate) factory.getProxy();
	}

	private static Message message(String requestId) {
		MessageProperties properties = new MessageProperties();
		properties.setHeader("x-request-id", requestId);
		return new Message(new byte[0], properties);
	}

	/** The shape of the container's own delegate, which is not public. */
	interface Delegate {

		void invokeListener(@Nullable Channel channel, Object data);

	}

}
