package dev.contextstarter.requestid.amqp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;

import static org.assertj.core.api.Assertions.assertThat;

class ListenerSubscriptionContextHookTests {

	private final ListenerSubscriptionContextHook hook = new ListenerSubscriptionContextHook();

	@AfterEach
	void uninstall() {
		this.hook.uninstall();
		assertThat(ListenerInvocationContext.current()).isNull();
	}

	@Test
	void subscriptionStartedInsideAListenerInvocationCarriesTheContext() {
		this.hook.install();
		RequestIdContext context = RequestIdContext.of("listener-1");
		AtomicReference<Object> seenByMono = new AtomicReference<>();
		AtomicReference<Object> seenByFlux = new AtomicReference<>();
		Sinks.One<String> later = Sinks.one();
		RequestIdContext previous = ListenerInvocationContext.enter(context);
		try {
			// As Spring AMQP does with a returned Mono: subscribe with no context of its
			// own.
			later.asMono()
				.flatMap((value) -> Mono.deferContextual(
						(view) -> Mono.just(view.<Object>getOrDefault(RequestContextAccessor.KEY, "none"))))
				.subscribe(seenByMono::set);
			Flux.just(1)
				.flatMap((value) -> Mono.deferContextual(
						(view) -> Mono.just(view.<Object>getOrDefault(RequestContextAccessor.KEY, "none"))))
				.subscribe(seenByFlux::set);
		}
		finally {
			ListenerInvocationContext.exit(previous);
		}
		// Emitted later, from a thread outside the invocation.
		later.tryEmitValue("x");
		assertThat(seenByMono.get()).isSameAs(context);
		assertThat(seenByFlux.get()).isSameAs(context);
	}

	@Test
	void subscriptionsOutsideListenerInvocationsAreLeftAlone() {
		this.hook.install();
		Object seen = Mono
			.deferContextual((view) -> Mono.just(view.<Object>getOrDefault(RequestContextAccessor.KEY, "none")))
			.block(Duration.ofSeconds(1));
		assertThat(seen).isEqualTo("none");
	}

	@Test
	void contextTheListenerWroteItselfWins() {
		this.hook.install();
		RequestIdContext own = RequestIdContext.of("own");
		RequestIdContext previous = ListenerInvocationContext.enter(RequestIdContext.of("listener-1"));
		try {
			Object seen = Mono.deferContextual((view) -> Mono.just(view.<Object>get(RequestContextAccessor.KEY)))
				.contextWrite((ctx) -> ctx.put(RequestContextAccessor.KEY, own))
				.block(Duration.ofSeconds(1));
			assertThat(seen).isSameAs(own);
		}
		finally {
			ListenerInvocationContext.exit(previous);
		}
	}

	@Test
	void uninstallRemovesTheHook() {
		this.hook.install();
		this.hook.uninstall();
		AtomicReference<Object> seen = new AtomicReference<>();
		RequestIdContext previous = ListenerInvocationContext.enter(RequestIdContext.of("listener-1"));
		try {
			Mono.deferContextual((view) -> Mono.just(view.<Object>getOrDefault(RequestContextAccessor.KEY, "none")))
				.subscribe(seen::set);
		}
		finally {
			ListenerInvocationContext.exit(previous);
		}
		assertThat(seen.get()).isEqualTo("none");
	}

}
