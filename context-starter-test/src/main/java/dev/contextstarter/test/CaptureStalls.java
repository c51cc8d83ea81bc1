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
 * parameter. With {@link #failOnStall()} a test fails when it stalled a non-blocking thread.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(StallCaptureExtension.class)
public @interface CaptureStalls {

	/**
	 * How long a task may run on a non-blocking thread before it is a stall, in milliseconds.
	 * @return the threshold
	 */
	long thresholdMillis() default 100;

	/**
	 * Whether a test that stalled a non-blocking thread fails after it ran.
	 * @return {@code true} to fail such tests
	 */
	boolean failOnStall() default false;

}
