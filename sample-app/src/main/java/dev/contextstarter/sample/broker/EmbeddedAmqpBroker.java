package dev.contextstarter.sample.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.Port;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.port.AmqpPort;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.FileSystemUtils;

/**
 * An in-memory AMQP 0-9-1 broker (Apache Qpid Broker-J) in this process: one virtual
 * host, user guest/guest, listening on one address. Nothing is written outside a
 * temporary directory, which is deleted on {@link #close()}.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedAmqpBroker.class);

	private final SystemLauncher launcher;

	private final Path workDir;

	private final String host;

	private final int port;

	private EmbeddedAmqpBroker(SystemLauncher launcher, Path workDir, String host, int port) {
		this.launcher = launcher;
		this.workDir = workDir;
		this.host = host;
		this.port = port;
	}

	/**
	 * Start a broker.
	 * @param host the address to listen on
	 * @param requestedPort the AMQP port, 0 for any free one
	 * @return the running broker
	 * @throws Exception when the broker does not start
	 */
	public static EmbeddedAmqpBroker start(String host, int requestedPort) throws Exception {
		long startNanos = System.nanoTime();
		Path workDir = Files.createTempDirectory("sample-qpid-");
		try {
			Path initialConfig = Files.writeString(workDir.resolve("initial-config.json"),
					initialConfig(host, requestedPort), StandardCharsets.UTF_8);
			// Qpid's default for this is a classpath: location that only its own launcher
			// resolves.
			Path systemProperties = Files.writeString(workDir.resolve("system.properties"), "", StandardCharsets.UTF_8);
			AmqpPortListener amqpPort = new AmqpPortListener();
			SystemLauncher launcher = new SystemLauncher(amqpPort);
			Map<String, Object> attributes = new HashMap<>();
			attributes.put(SystemConfig.TYPE, "Memory");
			attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, initialConfig.toUri().toString());
			attributes.put(SystemConfig.INITIAL_SYSTEM_PROPERTIES_LOCATION, systemProperties.toUri().toString());
			attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
			attributes.put(SystemConfig.CONTEXT, Map.of(SystemConfig.QPID_WORK_DIR, workDir.toString(),
					SystemConfig.PROPERTY_QPID_WORK, workDir.toString()));
			launcher.startup(attributes);
			// Qpid starts even when a port cannot bind: that port is merely put in the
			// ERRORED state.
			AmqpPort<?> port = amqpPort.port;
			if (port == null || port.getState() != State.ACTIVE) {
				launcher.shutdown();
				throw new IllegalStateException(
						"The embedded AMQP broker could not listen on " + host + ":" + requestedPort
								+ " (port taken? set sample.embedded-broker.port to a free port, 0 for any free one,"
								+ " or use sample.broker=external)");
			}
			int bound = port.getBoundPort();
			logger.info("Embedded AMQP broker (Apache Qpid Broker-J, in memory) listening on {}:{}, started in {} ms",
					host, bound, (System.nanoTime() - startNanos) / 1_000_000);
			return new EmbeddedAmqpBroker(launcher, workDir, host, bound);
		}
		catch (Exception | Error ex) {
			FileSystemUtils.deleteRecursively(workDir);
			throw ex;
		}
	}

	private static String initialConfig(String host, int port) {
		return """
				{
				  "name": "sample-embedded-broker",
				  "modelVersion": "8.0",
				  "authenticationproviders": [ {
				    "name": "plain",
				    "type": "Plain",
				    "secureOnlyMechanisms": [],
				    "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
				  } ],
				  "ports": [ {
				    "name": "AMQP",
				    "port": %d,
				    "bindingAddress": "%s",
				    "protocols": [ "AMQP_0_9_1" ],
				    "authenticationProvider": "plain",
				    "virtualhostaliases": [
				      { "name": "nameAlias", "type": "nameAlias" },
				      { "name": "defaultAlias", "type": "defaultAlias" }
				    ]
				  } ],
				  "virtualhostnodes": [ {
				    "name": "default",
				    "type": "Memory",
				    "defaultVirtualHostNode": "true",
				    "virtualHostInitialConfiguration": "{ \\"type\\": \\"Memory\\" }"
				  } ]
				}
				""".formatted(port, host);
	}

	/**
	 * The address the broker listens on.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * The AMQP port the broker listens on (the bound one when 0 was asked for).
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		try {
			this.launcher.shutdown();
			logger.info("Embedded AMQP broker on {}:{} stopped", this.host, this.port);
		}
		finally {
			try {
				FileSystemUtils.deleteRecursively(this.workDir);
			}
			catch (IOException ex) {
				logger.debug("Could not delete {}", this.workDir, ex);
			}
		}
	}

	/** Finds the AMQP port once the broker is up. */
	private static final class AmqpPortListener extends SystemLauncherListener.DefaultSystemLauncherListener {

		private @Nullable SystemConfig<?> systemConfig;

		volatile @Nullable AmqpPort<?> port;

		@Override
		public void onContainerResolve(SystemConfig<?> systemConfig) {
			this.systemConfig = systemConfig;
		}

		@Override
		public void afterStartup() {
			if (this.systemConfig == null) {
				return;
			}
			Broker<?> broker = (Broker<?>) this.systemConfig.getContainer(Broker.class);
			for (Port<?> candidate : broker.getPorts()) {
				if (candidate instanceof AmqpPort<?> amqp) {
					this.port = amqp;
				}
			}
		}

	}

}
