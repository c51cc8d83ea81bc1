package dev.contextstarter.test;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * The extension behind {@link WithRequestContext}.
 */
final class WithRequestContextExtension implements BeforeEachCallback, AfterEachCallback {

	static final Namespace NAMESPACE = Namespace.create(WithRequestContextExtension.class);

	private static final String SCOPE = "scope";

	@Override
	public void beforeEach(ExtensionContext context) {
		WithRequestContext annotation = AnnotationSupport
			.findAnnotation(context.getRequiredTestMethod(), WithRequestContext.class)
			.or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithRequestContext.class))
			.orElseThrow();
		RequestIdContext requestContext = new RequestIdContext(annotation.requestId(),
				parseFields(annotation.fields()));
		context.getStore(NAMESPACE).put(SCOPE, RequestIdContextHolder.open(requestContext));
	}

	@Override
	public void afterEach(ExtensionContext context) {
		RequestIdContextHolder.Scope scope = context.getStore(NAMESPACE)
			.remove(SCOPE, RequestIdContextHolder.Scope.class);
		if (scope != null) {
			scope.close();
		}
	}

	/**
	 * The context this extension opened for the running test, if any.
	 * @param context the extension context
	 * @return the request context, or {@code null}
	 */
	static @Nullable RequestIdContext openedFor(ExtensionContext context) {
		RequestIdContextHolder.Scope scope = context.getStore(NAMESPACE).get(SCOPE, RequestIdContextHolder.Scope.class);
		return (scope != null) ? scope.context() : null;
	}

	private static Map<String, String> parseFields(String[] fields) {
		Map<String, String> parsed = new LinkedHashMap<>();
		for (String field : fields) {
			int equals = field.indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException(
						"@WithRequestContext fields must be name=value pairs, but got '" + field + "'");
			}
			parsed.put(field.substring(0, equals).trim(), field.substring(equals + 1).trim());
		}
		return parsed;
	}

}
