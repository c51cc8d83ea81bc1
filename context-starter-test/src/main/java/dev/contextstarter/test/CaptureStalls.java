package dev.contextstarter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test with a standalone {@link StallCapture}, which test methods can take as a
 * parameter. With {@link #failOnStall()} a test fails when it stalled a non-blocking
 * thread; with {@link #failOnBlockingCall()} when it made any blocking call on one,
 * however short (through BlockHound: see {@link StallCapture#reportBlockingCalls()} for
 * what it needs).
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StallCaptureExtension.class)
public @interface CaptureStalls {

	/**
	 * How long a task may run on a non-blocking thread before it is a stall, in
	 * milliseconds.
	 * @return the threshold
	 */
	long thresholdMillis() default 100;

	/**
	 * Whether a test that stalled a non-blocking thread fails after it ran.
	 * @return {@code true} to fail such tests
	 */
	boolean failOnStall() default false;

	/**
	 * Whether a test that made a blocking call on a non-blocking thread fails after it
	 * ran. Needs {@code io.projectreactor.tools:blockhound} on the test class path and,
	 * on JDK 13 and later, the JVM flag {@code -XX:+AllowRedefinitionToAddDeleteMethods};
	 * without them the test fails saying so.
	 * @return {@code true} to catch blocking calls with BlockHound and fail such tests
	 */
	boolean failOnBlockingCall() default false;

}
