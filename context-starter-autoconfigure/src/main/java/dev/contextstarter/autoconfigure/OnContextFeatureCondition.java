package dev.contextstarter.autoconfigure;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link SpringBootCondition} behind {@link ConditionalOnContextFeature}.
 */
class OnContextFeatureCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, @Nullable Object> attributes = metadata
			.getAnnotationAttributes(ConditionalOnContextFeature.class.getName());
		String feature = (attributes != null) ? (String) attributes.get("value") : "";
		Environment environment = context.getEnvironment();
		if (!environment.getProperty("context.enabled", Boolean.class, true)) {
			return ConditionOutcome.noMatch("context.enabled is false");
		}
		String property = "context." + feature + ".enabled";
		if (!environment.getProperty(property, Boolean.class, true)) {
			return ConditionOutcome.noMatch(property + " is false");
		}
		return ConditionOutcome.match("context.enabled and " + property + " are not false");
	}

}
