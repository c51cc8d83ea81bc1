package dev.contextstarter.test;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit extension behind {@link CaptureStalls}: opens a standalone {@link StallCapture}
 * before each test and closes it after, failing the test on a stall when asked to.
 */
class StallCaptureExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(StallCaptureExtension.class);

	@Override
	public void beforeEach(ExtensionContext context) {
		CaptureStalls settings = settings(context);
		long threshold = (settings != null) ? settings.thresholdMillis() : 100;
		StallCapture capture = StallCapture.standalone(Duration.ofMillis(threshold));
		context.getStore(NAMESPACE).put(StallCapture.class, capture);
		if (settings != null && settings.failOnBlockingCall()) {
			capture.reportBlockingCalls();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		StallCapture capture = context.getStore(NAMESPACE).remove(StallCapture.class, StallCapture.class);
		if (capture == null) {
			return;
		}
		capture.close();
		CaptureStalls settings = settings(context);
		if (settings == null || context.getExecutionException().isPresent()) {
			return;
		}
		if (settings.failOnStall()) {
			capture.assertNoStalls();
		}
		if (settings.failOnBlockingCall()) {
			capture.assertNoBlockingCalls();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == StallCapture.class;
	}

	@Override
	public @Nullable Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return extensionContext.getStore(NAMESPACE).get(StallCapture.class, StallCapture.class);
	}

	private static @Nullable CaptureStalls settings(ExtensionContext context) {
		return AnnotationSupport.findAnnotation(context.getElement(), CaptureStalls.class)
			.or(() -> context.getTestClass()
				.flatMap((testClass) -> AnnotationSupport.findAnnotation(testClass, CaptureStalls.class)))
			.orElse(null);
	}

}
