package dev.contextstarter.requestid.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.contextstarter.requestid.RequestIdRejection;
import dev.contextstarter.requestid.RequestIdRejectionListener;

/**
 * Counts replaced inbound request IDs as
 * {@code context.requestid.rejected{reason,source}}. An edge service replaces the ID of
 * nearly every request, so counters are looked up once.
 */
final class RequestIdRejectionMetrics implements RequestIdRejectionListener {

	static final String METRIC = "context.requestid.rejected";

	private final MeterRegistry meterRegistry;

	/** Counters by source, each indexed by the reason's ordinal. */
	private final Map<String, Counter[]> counters = new ConcurrentHashMap<>();

	RequestIdRejectionMetrics(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
	}

	@Override
	public void rejected(String source, RequestIdRejection reason) {
		this.counters.computeIfAbsent(source, this::register)[reason.ordinal()].increment();
	}

	private Counter[] register(String source) {
		RequestIdRejection[] reasons = RequestIdRejection.values();
		Counter[] bySource = new Counter[reasons.length];
		for (RequestIdRejection reason : reasons) {
			bySource[reason.ordinal()] = Counter.builder(METRIC)
				.description("Inbound request IDs replaced by a generated one")
				.tag("reason", reason.tagValue())
				.tag("source", source)
				.register(this.meterRegistry);
		}
		return bySource;
	}

}
