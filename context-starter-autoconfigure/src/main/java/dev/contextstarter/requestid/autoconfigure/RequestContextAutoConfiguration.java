package dev.contextstarter.requestid.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.requestid.ContextField;
import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RandomUuidGenerator;
import dev.contextstarter.requestid.RequestIdGenerator;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.RequestIdRejectionListener;
import dev.contextstarter.support.ListenerCalls;

/**
 * Auto-configuration of the request context core: ID policy and generation, inbound
 * resolution, the MDC mapping and the rejection metric.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnContextFeature("request-id")
@EnableConfigurationProperties({ ContextProperties.class, RequestIdProperties.class })
public final class RequestContextAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RequestIdRejectionListener.class);

	@Bean
	@ConditionalOnMissingBean
	RequestIdGenerator requestIdGenerator() {
		return new RandomUuidGenerator();
	}

	@Bean
	@ConditionalOnMissingBean
	RequestIdPolicy requestIdPolicy(RequestIdProperties properties, RequestIdGenerator generator,
			ObjectProvider<RequestIdRejectionListener> rejectionListeners) {
		List<RequestIdRejectionListener> listeners = rejectionListeners.orderedStream().toList();
		// a listener that throws must not break the request or stop the other listeners
		RequestIdRejectionListener listener = (source, reason) -> ListenerCalls.callEach(listeners,
				(each) -> each.rejected(source, reason), logger);
		return new RequestIdPolicy(properties.getMinLength(), properties.getMaxLength(), properties.getTrust(),
				properties.trustedProxyRanges(), properties.isTrustUnixSocketPeers(), generator, listener);
	}

	@Bean
	@ConditionalOnMissingBean
	InboundContextResolver inboundContextResolver(RequestIdPolicy policy, RequestIdProperties properties,
			ContextProperties contextProperties) {
		return new InboundContextResolver(policy, properties.getHeaders(), contextProperties.contextFields());
	}

	@Bean
	RequestContextMdcInstaller requestContextMdcInstaller(RequestIdProperties properties,
			ContextProperties contextProperties) {
		Map<String, String> fieldKeys = new LinkedHashMap<>();
		for (ContextField field : contextProperties.contextFields()) {
			fieldKeys.put(field.name(), field.mdcKey());
		}
		return new RequestContextMdcInstaller(new MdcMapping(properties.getMdcKey(), fieldKeys));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static final class RejectionMetricsConfiguration {

		@Bean
		RequestIdRejectionMetrics requestIdRejectionMetrics(MeterRegistry meterRegistry) {
			return new RequestIdRejectionMetrics(meterRegistry);
		}

	}

}
