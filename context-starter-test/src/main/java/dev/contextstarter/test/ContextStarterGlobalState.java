package dev.contextstarter.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.MDC;
import org.springframework.util.ClassUtils;

import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;

/**
 * Resets the global state context-starter touches, after each test: its Reactor hooks,
 * Reactor's automatic context propagation and our ContextRegistry accessor, the MDC
 * mapping, and the test thread's request context and MDC. Use it on plain unit tests that
 * install parts of the starter by hand; a Spring application context cleans up after
 * itself when it closes, so do not combine this with a cached Spring test context that is
 * still in use.
 *
 * <pre class="code">
 * &#64;ExtendWith(ContextStarterGlobalState.class)
 * class MyReactorTests { ... }
 * </pre>
 */
public final class ContextStarterGlobalState implements AfterEachCallback {

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Hooks", null)
			&& ClassUtils.isPresent("io.micrometer.context.ContextRegistry", null);

	@Override
	public void afterEach(ExtensionContext context) {
		reset();
	}

	/**
	 * Reset everything now.
	 */
	public static void reset() {
		if (reactorPresent) {
			ReactorContextPropagation.reset();
		}
		RequestIdContextHolder.set(null);
		RequestIdContextHolder.resetMdcMapping();
		MDC.clear();
	}

}
