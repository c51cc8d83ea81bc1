package dev.contextstarter.watchdog.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.LoopResources;

import dev.contextstarter.watchdog.NettyEventLoops;
import dev.contextstarter.watchdog.Watchdog;

/**
 * Probes the Reactor Netty event loops the application uses, from start until close.
 */
final class EventLoopWatch {

	private static final Logger logger = LoggerFactory.getLogger(EventLoopWatch.class);

	private final Watchdog watchdog;

	private final Supplier<List<LoopResources>> resources;

	private final List<Executor> probed = new ArrayList<>();

	EventLoopWatch(Watchdog watchdog, Supplier<List<LoopResources>> resources) {
		this.watchdog = watchdog;
		this.resources = resources;
	}

	synchronized void start() {
		for (Executor loop : NettyEventLoops.of(this.resources.get())) {
			this.watchdog.probe(loop);
			this.probed.add(loop);
		}
		logger.debug("Watchdog probes {} event loops", this.probed.size());
	}

	synchronized void stop() {
		this.probed.forEach(this.watchdog::stopProbing);
		this.probed.clear();
	}

}
