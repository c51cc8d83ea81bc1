package dev.contextstarter.watchdog.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.util.ClassUtils;

import dev.contextstarter.autoconfigure.ConditionalOnContextFeature;
import dev.contextstarter.support.PhasedLifecycle;
import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.StallJfrEvents;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogListener;

/**
 * Auto-configuration of the scheduler watchdog: one daemon thread that reports Reactor
 * scheduler tasks and Reactor Netty event loops stuck past
 * {@code context.watchdog.threshold}. The Reactor part backs off without reactor-core,
 * the event loop part without reactor-netty, the metrics
 * ({@link WatchdogMetricsAutoConfiguration}) without a {@code MeterRegistry} bean; the
 * endpoint is {@link WatchdogEndpointAutoConfiguration}'s. Stalls are JFR events unless
 * {@code context.watchdog.jfr.enabled=false};
 * {@code context.watchdog.blockhound.enabled=true} installs BlockHound to report blocking
 * calls.
 */
@AutoConfiguration
@ConditionalOnContextFeature("watchdog")
@EnableConfigurationProperties(WatchdogProperties.class)
public final class WatchdogAutoConfiguration {

	/** The watchdog thread starts before anything it watches and stops after it. */
	static final int WATCHDOG_PHASE = -1000;

	/** The Reactor hook goes in once the watchdog runs. */
	static final int REACTOR_PHASE = WATCHDOG_PHASE + 1;

	/** After {@code ReactorResourceFactory} (phase 0) has made its loop resources. */
	static final int EVENT_LOOP_PHASE = 1;

	@Bean
	@ConditionalOnMissingBean
	Watchdog contextWatchdog(WatchdogProperties properties, ObjectProvider<WatchdogListener> listeners) {
		Watchdog watchdog = new Watchdog(properties.toSettings());
		listeners.orderedStream().forEach(watchdog::addListener);
		return watchdog;
	}

	@Bean
	PhasedLifecycle contextWatchdogLifecycle(Watchdog watchdog) {
		return new PhasedLifecycle(watchdog::start, watchdog::stop, WATCHDOG_PHASE);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jdk.jfr.Event")
	@ConditionalOnProperty(name = "context.watchdog.jfr.enabled", matchIfMissing = true)
	static final class JfrConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StallJfrEvents contextWatchdogJfrEvents() {
			return new StallJfrEvents();
		}

	}

	/**
	 * No class condition: asking for BlockHound without it on the class path fails at
	 * start-up.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "context.watchdog.blockhound.enabled")
	static final class BlockHoundConfiguration {

		private static final String PROPERTY = "context.watchdog.blockhound.enabled";

		@Bean
		PhasedLifecycle contextWatchdogBlockHoundLifecycle(Watchdog watchdog, ApplicationContext context) {
			return new PhasedLifecycle(() -> reportBlockingCalls(watchdog, context.getClassLoader()),
					watchdog::stopReportingBlockingCalls, REACTOR_PHASE);
		}

		private static void reportBlockingCalls(Watchdog watchdog, @Nullable ClassLoader classLoader) {
			if (!ClassUtils.isPresent("reactor.blockhound.BlockHound", classLoader)) {
				throw new IllegalStateException(PROPERTY + " is true but BlockHound is not on the class path: add "
						+ "io.projectreactor.tools:blockhound (test or staging scope)");
			}
			try {
				watchdog.reportBlockingCalls();
			}
			catch (IllegalStateException ex) {
				throw new IllegalStateException(PROPERTY + " is true but BlockHound cannot be used: " + ex.getMessage(),
						ex);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "reactor.core.scheduler.Schedulers")
	@ConditionalOnProperty(name = "context.watchdog.reactor-tasks", matchIfMissing = true)
	static final class ReactorTasksConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ReactorTaskTimer contextWatchdogReactorTaskTimer(Watchdog watchdog) {
			return new ReactorTaskTimer(watchdog);
		}

		@Bean
		PhasedLifecycle contextWatchdogReactorLifecycle(ReactorTaskTimer timer) {
			return new PhasedLifecycle(timer::install, timer::uninstall, REACTOR_PHASE);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "reactor.netty.http.HttpResources")
	@ConditionalOnProperty(name = "context.watchdog.event-loops", matchIfMissing = true)
	static final class EventLoopsConfiguration {

		private static final boolean RESOURCE_FACTORY_PRESENT = ClassUtils.isPresent(
				"org.springframework.http.client.ReactorResourceFactory",
				EventLoopsConfiguration.class.getClassLoader());

		@Bean
		PhasedLifecycle contextWatchdogEventLoopLifecycle(Watchdog watchdog, ListableBeanFactory beanFactory) {
			EventLoopWatch watch = new EventLoopWatch(watchdog, () -> loopResources(beanFactory));
			return new PhasedLifecycle(watch::start, watch::stop, EVENT_LOOP_PHASE);
		}

		/**
		 * The loops of the application's {@code ReactorResourceFactory} beans (Boot's
		 * uses the global resources by default), or the global ones when there is none.
		 */
		private static List<LoopResources> loopResources(ListableBeanFactory beanFactory) {
			if (RESOURCE_FACTORY_PRESENT) {
				List<LoopResources> resources = ResourceFactories.loopResources(beanFactory);
				if (!resources.isEmpty()) {
					return resources;
				}
			}
			return List.of(HttpResources.get());
		}

		/** Kept apart so that spring-web stays optional. */
		private static final class ResourceFactories {

			static List<LoopResources> loopResources(ListableBeanFactory beanFactory) {
				return beanFactory.getBeanProvider(ReactorResourceFactory.class)
					.orderedStream()
					.map(ReactorResourceFactory::getLoopResources)
					.distinct()
					.toList();
			}

		}

	}

}
