package dev.contextstarter.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the whole starter ({@code context.enabled}) and the named feature
 * ({@code context.<feature>.enabled}) are both on. Both default to {@code true}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnContextFeatureCondition.class)
public @interface ConditionalOnContextFeature {

	/**
	 * The feature's property segment, for example {@code request-id} for
	 * {@code context.request-id.enabled}.
	 * @return the feature name
	 */
	String value();

}
