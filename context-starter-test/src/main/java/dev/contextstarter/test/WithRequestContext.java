package dev.contextstarter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test (or every test of a class) inside a request context: the context is opened
 * on the test thread, holder and MDC, before each test and the previous one is restored
 * after it. A method's annotation wins over its class's.
 * <p>
 * With the starter's Reactor propagation installed, a {@code Mono} or {@code Flux}
 * subscribed to (or blocked on) from the test carries the context into its operators on
 * every scheduler.
 *
 * <pre class="code">
 * &#64;Test
 * &#64;WithRequestContext(requestId = "t-1", fields = "tenant=acme")
 * void logsWithTheTenant() { ... }
 * </pre>
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WithRequestContextExtension.class)
public @interface WithRequestContext {

	/**
	 * The request ID.
	 * @return the request ID
	 */
	String requestId();

	/**
	 * Context fields as {@code name=value} pairs, for example {@code "tenant=acme"}.
	 * @return the fields
	 */
	String[] fields() default {};

}
