package dev.contextstarter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Puts a {@link ManualTimeSource} bean into a Spring test context in place of the system
 * time source; inject it to step the clocks.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@Import(ManualTimeSourceConfiguration.class)
public @interface ImportManualTimeSource {

}
