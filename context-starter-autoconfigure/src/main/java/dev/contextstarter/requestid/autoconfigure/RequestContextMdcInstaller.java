package dev.contextstarter.requestid.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Installs the configured {@link MdcMapping} in the {@link RequestIdContextHolder} and
 * puts the default back when the application context closes.
 */
final class RequestContextMdcInstaller implements InitializingBean, DisposableBean {

	private final MdcMapping mapping;

	RequestContextMdcInstaller(MdcMapping mapping) {
		this.mapping = mapping;
	}

	@Override
	public void afterPropertiesSet() {
		RequestIdContextHolder.setMdcMapping(this.mapping);
	}

	@Override
	public void destroy() {
		RequestIdContextHolder.resetMdcMapping();
	}

}
