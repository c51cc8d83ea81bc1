package dev.contextstarter.requestid.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestContextHolder;

/**
 * Installs the configured {@link MdcMapping} in the {@link RequestContextHolder} and puts
 * the default back when the application context closes.
 */
final class RequestContextMdcInstaller implements InitializingBean, DisposableBean {

	private final MdcMapping mapping;

	RequestContextMdcInstaller(MdcMapping mapping) {
		this.mapping = mapping;
	}

	@Override
	public void afterPropertiesSet() {
		RequestContextHolder.setMdcMapping(this.mapping);
	}

	@Override
	public void destroy() {
		RequestContextHolder.resetMdcMapping();
	}

}
