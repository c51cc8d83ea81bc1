package dev.contextstarter.requestid.amqp;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.reactor.RequestContextAccessor;
import dev.contextstarter.support.GlobalHook;

/**
 * Writes the message's request context into the Reactor {@code Context} of every
 * subscription a listener invocation starts, in particular Spring AMQP's subscription to
 * a {@code Mono} a listener returns (or one it turns into a {@code CompletableFuture}).
 * Spring AMQP subscribes with an empty context (spring-amqp#2560), so work that resumes
 * on a thread no scheduler handed over, such as a WebClient response on a Netty event
 * loop, would otherwise run without the context.
 * <p>
 * Sources that restore the subscriber's context (a {@code fromFuture}, a
 * {@code WebClient} call) find it there even when they are subscribed later on another
 * thread. With Reactor's automatic propagation turned on, only the operators see it:
 * below the context write Reactor restores the final subscriber's own (empty) context, so
 * Spring AMQP's own callbacks run without it. Replies carry the ID either way, from
 * {@link RequestContextReplyPostProcessor}.
 * <p>
 * A global Reactor hook, installed while at least one application context uses it;
 * outside a listener invocation it costs one thread-local read per subscription.
 */
public final class ListenerSubscriptionContextHook implements InitializingBean, DisposableBean {

	static final String HOOK_KEY = "dev.contextstarter.amqp-listener-context";

	private final GlobalHook hook = GlobalHook.onLastOperator(HOOK_KEY,
			ListenerSubscriptionContextHook::withListenerContext);

	/**
	 * Install the hook (reference counted across application contexts).
	 */
	public void install() {
		this.hook.install();
	}

	/**
	 * Remove the hook once no application context uses it.
	 */
	public void uninstall() {
		this.hook.uninstall();
	}

	@Override
	public void afterPropertiesSet() {
		install();
	}

	@Override
	public void destroy() {
		uninstall();
	}

	static Publisher<Object> withListenerContext(Publisher<Object> publisher) {
		RequestIdContext context = ListenerInvocationContext.current();
		if (context == null) {
			return publisher;
		}
		if (publisher instanceof Mono<Object> mono) {
			return mono.contextWrite((existing) -> put(existing, context));
		}
		if (publisher instanceof Flux<Object> flux) {
			return flux.contextWrite((existing) -> put(existing, context));
		}
		return publisher;
	}

	private static Context put(Context existing, RequestIdContext context) {
		// A context the listener wrote itself wins.
		return existing.hasKey(RequestContextAccessor.KEY) ? existing
				: existing.put(RequestContextAccessor.KEY, context);
	}

}
