package dev.contextstarter.requestid.reactor.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of request context propagation through Reactor.
 */
@ConfigurationProperties("context.reactor")
public class ReactorPropagationProperties {

	/**
	 * Whether to also turn on Reactor's automatic context propagation, which restores
	 * every registered ThreadLocal at every Reactor boundary. Not needed for the request
	 * context, which the starter carries itself; turn it on for other ThreadLocals that
	 * must follow Reactor chains. It costs close to 1 µs more per thread hop.
	 */
	private boolean automaticPropagation;

	public boolean isAutomaticPropagation() {
		return this.automaticPropagation;
	}

	public void setAutomaticPropagation(boolean automaticPropagation) {
		this.automaticPropagation = automaticPropagation;
	}

}
