package dev.contextstarter.test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.slf4j.MDC;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Fails a test after which any live thread still holds a request context, or the test
 * thread still has one of the request context's MDC keys: a context left on a pooled
 * thread (an event loop, a scheduler worker, a listener thread) would be logged with the
 * next, unrelated piece of work.
 * <p>
 * Work that is still finishing when the test method returns (the tail of a reactive chain
 * on another thread) gets a short settle time, 1 second by default (system property
 * {@code context.test.leak-check.settle-millis}), before the check fails. The context a
 * {@link WithRequestContext} annotation opened on the test thread is expected and
 * ignored.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;ExtendWith(RequestContextLeakCheck.class)
 * class OrderFlowTests { ... }
 * </pre>
 */
public final class RequestContextLeakCheck implements AfterEachCallback {

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		RequestIdContext expected = WithRequestContextExtension.openedFor(context);
		long deadline = System.nanoTime() + settleTime().toNanos();
		Map<Thread, RequestIdContext> leaks = leaks(expected);
		while (!leaks.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(10);
			leaks = leaks(expected);
		}
		StringBuilder failure = new StringBuilder();
		if (!leaks.isEmpty()) {
			failure.append("Threads still holding a request context after the test: ")
				.append(leaks.entrySet()
					.stream()
					.map((entry) -> "'" + entry.getKey().getName() + "' holds " + entry.getValue().requestId())
					.collect(Collectors.joining(", ")));
		}
		if (expected == null) {
			for (String key : RequestIdContextHolder.mdcMapping().allKeys()) {
				String value = MDC.get(key);
				if (value != null) {
					failure.append((failure.length() > 0) ? "; " : "")
						.append("MDC key '")
						.append(key)
						.append("' still set to ")
						.append(value)
						.append(" on the test thread '")
						.append(Thread.currentThread().getName())
						.append("'");
				}
			}
		}
		if (failure.length() > 0) {
			throw new AssertionFailedError(failure.toString());
		}
	}

	private static Map<Thread, RequestIdContext> leaks(@Nullable RequestIdContext expected) {
		Map<Thread, RequestIdContext> holding = RequestIdContextHolder.threadsHoldingContext();
		if (expected != null) {
			holding.remove(Thread.currentThread(), expected);
		}
		return holding;
	}

	private static Duration settleTime() {
		return Duration.ofMillis(Long.getLong("context.test.leak-check.settle-millis", 1000));
	}

}
