package dev.contextstarter.watchdog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import reactor.netty.resources.LoopResources;

/**
 * Finds the event loops of Reactor Netty {@link LoopResources}. Servers and clients share
 * the same loops by default (client loops are colocated on the server loops), so the
 * server group covers both.
 */
public final class NettyEventLoops {

	private NettyEventLoops() {
	}

	/**
	 * The event loops of the given resources, as used by default (native transport when
	 * available).
	 * @param resources the loop resources
	 * @return each event loop, once
	 */
	public static List<Executor> of(Collection<? extends LoopResources> resources) {
		List<Executor> loops = new ArrayList<>();
		for (LoopResources resource : resources) {
			if (resource.isDisposed()) {
				continue;
			}
			EventLoopGroup group = resource.onServer(LoopResources.DEFAULT_NATIVE);
			for (EventExecutor loop : group) {
				if (!loops.contains(loop)) {
					loops.add(loop);
				}
			}
		}
		return loops;
	}

}
