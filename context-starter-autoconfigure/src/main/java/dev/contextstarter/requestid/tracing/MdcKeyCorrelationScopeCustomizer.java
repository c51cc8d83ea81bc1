package dev.contextstarter.requestid.tracing;

import java.util.List;
import java.util.Set;

import brave.baggage.CorrelationScopeConfig;
import brave.baggage.CorrelationScopeConfig.SingleCorrelationField;
import brave.baggage.CorrelationScopeCustomizer;
import brave.baggage.CorrelationScopeDecorator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves the starter's MDC keys out of Brave's MDC updates. When
 * {@code management.tracing.baggage.correlation.fields} names one of them (say
 * {@code requestId}), Brave writes that key from the baggage every time a span's scope
 * opens or closes, and removes it when the baggage is empty: inside every span the
 * request ID the starter wrote disappeared from the log lines. The baggage field itself
 * still propagates; only its MDC correlation is dropped, so the starter is the one writer
 * of its keys.
 */
public final class MdcKeyCorrelationScopeCustomizer implements CorrelationScopeCustomizer {

	private static final Logger logger = LoggerFactory.getLogger(MdcKeyCorrelationScopeCustomizer.class);

	private final Set<String> mdcKeys;

	/**
	 * Create a customizer.
	 * @param mdcKeys the starter's MDC keys, which Brave must leave alone
	 */
	public MdcKeyCorrelationScopeCustomizer(Set<String> mdcKeys) {
		this.mdcKeys = Set.copyOf(mdcKeys);
	}

	@Override
	public void customize(CorrelationScopeDecorator.Builder builder) {
		List<CorrelationScopeConfig> configs = List.copyOf(builder.configs());
		List<CorrelationScopeConfig> kept = configs.stream().filter((config) -> !isOurs(config)).toList();
		if (kept.size() == configs.size()) {
			return;
		}
		builder.clear();
		kept.forEach(builder::add);
		logger.info(
				"MDC keys {} are written by context-starter: left out of Brave's MDC correlation "
						+ "(management.tracing.baggage.correlation.fields); the baggage fields still propagate",
				this.mdcKeys);
	}

	private boolean isOurs(CorrelationScopeConfig config) {
		return (config instanceof SingleCorrelationField field) && this.mdcKeys.contains(field.name());
	}

}
