package dev.contextstarter.requestid.autoconfigure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;

import dev.contextstarter.requestid.RequestIdRejection;
import dev.contextstarter.requestid.RequestIdRejectionListener;

/**
 * Counts replaced inbound request IDs as {@code context.requestid.rejected{reason,source}}.
 */
final class RequestIdRejectionMetrics implements RequestIdRejectionListener {

	static final String METRIC = "context.requestid.rejected";

	private final ObjectProvider<MeterRegistry> meterRegistry;

	RequestIdRejectionMetrics(ObjectProvider<MeterRegistry> meterRegistry) {
		this.meterRegistry = meterRegistry;
	}

	@Override
	public void rejected(String source, RequestIdRejection reason) {
		MeterRegistry registry = this.meterRegistry.getIfAvailable();
		if (registry != null) {
			Counter.builder(METRIC)
				.description("Inbound request IDs replaced by a generated one")
				.tag("reason", reason.tagValue())
				.tag("source", source)
				.register(registry)
				.increment();
		}
	}

}
