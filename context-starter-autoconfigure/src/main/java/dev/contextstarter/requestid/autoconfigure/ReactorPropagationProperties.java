package dev.contextstarter.requestid.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of request context propagation through Reactor.
 */
@ConfigurationProperties("context.reactor")
public class ReactorPropagationProperties {

	/**
	 * Whether to turn on Reactor's automatic context propagation, which restores the request
	 * context (and MDC) in every operator after a thread hop. When off, the context still
	 * travels in the Reactor Context and can be restored with contextCapture/handle.
	 */
	private boolean automaticPropagation = true;

	public boolean isAutomaticPropagation() {
		return this.automaticPropagation;
	}

	public void setAutomaticPropagation(boolean automaticPropagation) {
		this.automaticPropagation = automaticPropagation;
	}

}
