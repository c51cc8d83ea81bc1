package dev.contextstarter.watchdog.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.contextstarter.support.PhasedLifecycle;
import dev.contextstarter.watchdog.ReactorTaskTimer;
import dev.contextstarter.watchdog.StallJfrEvents;
import dev.contextstarter.watchdog.Watchdog;
import dev.contextstarter.watchdog.WatchdogMetrics;
import dev.contextstarter.watchdog.WatchdogSettings;
import dev.contextstarter.watchdog.actuate.WatchdogEndpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WatchdogAutoConfiguration}, {@link WatchdogMetricsAutoConfiguration}
 * and {@link WatchdogEndpointAutoConfiguration}.
 */
class WatchdogAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WatchdogAutoConfiguration.class,
				WatchdogMetricsAutoConfiguration.class, WatchdogEndpointAutoConfiguration.class));

	@Test
	void defaultsStartAWatchdogWithTheReactorHookAndEventLoopProbes() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Watchdog.class).hasSingleBean(ReactorTaskTimer.class);
			Watchdog watchdog = context.getBean(Watchdog.class);
			assertThat(watchdog.isRunning()).isTrue();
			assertThat(watchdog.settings()).isEqualTo(WatchdogSettings.defaults());
			assertThat(context.getBean(ReactorTaskTimer.class).isInstalled()).isTrue();
			assertThat(watchdog.totals().watchedEventLoops()).isPositive();
			assertThat(context).doesNotHaveBean(WatchdogMetrics.class).doesNotHaveBean(WatchdogEndpoint.class);
			assertThat(liveWatchdogThreads()).hasSize(1);
		});
	}

	@Test
	void propertiesMapToTheSettings() {
		this.runner
			.withPropertyValues("context.watchdog.threshold=300ms", "context.watchdog.check-interval=20ms",
					"context.watchdog.startup-grace=0s", "context.watchdog.report-interval=1m",
					"context.watchdog.jvm-pause-threshold=1s", "context.watchdog.recent-stalls=5",
					"context.watchdog.stack-depth=8")
			.run((context) -> assertThat(context.getBean(Watchdog.class).settings())
				.isEqualTo(new WatchdogSettings(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(20),
						Duration.ZERO, Duration.ofMinutes(1), Duration.ofSeconds(1), 5, 8)));
	}

	@Test
	void logBudgetAndSamplingPropertiesMapToTheSettings() {
		this.runner.withPropertyValues("context.watchdog.max-full-reports=3", "context.watchdog.max-samples=7")
			.run((context) -> {
				WatchdogSettings settings = context.getBean(Watchdog.class).settings();
				assertThat(settings.maxFullReports()).isEqualTo(3);
				assertThat(settings.maxSamples()).isEqualTo(7);
			});
	}

	@Test
	void aLogBudgetOfNoReportsFailsAtStartupNamingTheProperty() {
		this.runner.withPropertyValues("context.watchdog.max-full-reports=0", "context.watchdog.max-samples=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("context.watchdog.max-full-reports must be at least 1")
				.hasMessageContaining("context.watchdog.max-samples must be at least 1"));
	}

	@Test
	void stallsAreJfrEventsByDefault() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(StallJfrEvents.class));
	}

	@Test
	void jfrEventsCanBeSwitchedOff() {
		this.runner.withPropertyValues("context.watchdog.jfr.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class).doesNotHaveBean(StallJfrEvents.class));
	}

	@Test
	void blockHoundIsOffByDefault() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("contextWatchdogBlockHoundLifecycle"));
	}

	@Test
	void blockHoundAskedForButAbsentFailsAtStartupNamingTheProperty() {
		this.runner.withPropertyValues("context.watchdog.blockhound.enabled=true")
			.withClassLoader(new FilteredClassLoader("reactor.blockhound"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(
						"context.watchdog.blockhound.enabled is true but BlockHound is not on the class path"));
	}

	@Test
	void eventLoopThresholdCanDifferFromTheTaskThreshold() {
		this.runner.withPropertyValues("context.watchdog.event-loop-threshold=100ms")
			.run((context) -> assertThat(context.getBean(Watchdog.class).settings().eventLoopThreshold())
				.isEqualTo(Duration.ofMillis(100)));
	}

	@Test
	void closingTheContextStopsTheThreadAndRemovesTheHook() {
		AtomicReference<Watchdog> watchdog = new AtomicReference<>();
		AtomicReference<ReactorTaskTimer> timer = new AtomicReference<>();
		this.runner.run((context) -> {
			watchdog.set(context.getBean(Watchdog.class));
			timer.set(context.getBean(ReactorTaskTimer.class));
			assertThat(stackOfParallelTask()).anyMatch(WatchdogAutoConfigurationTests::isTimedTaskFrame);
		});
		assertThat(watchdog.get().isRunning()).isFalse();
		assertThat(watchdog.get().totals().watchedEventLoops()).isZero();
		assertThat(timer.get().isInstalled()).isFalse();
		assertThat(liveWatchdogThreads()).isEmpty();
		assertThat(stackOfParallelTask()).noneMatch(WatchdogAutoConfigurationTests::isTimedTaskFrame);
	}

	@Test
	void backsOffWhenTheFeatureIsOff() {
		this.runner.withPropertyValues("context.watchdog.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Watchdog.class)
				.doesNotHaveBean(ReactorTaskTimer.class)
				.doesNotHaveBean(PhasedLifecycle.class));
	}

	@Test
	void backsOffWhenTheStarterIsOff() {
		this.runner.withPropertyValues("context.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Watchdog.class));
	}

	@Test
	void reactorTasksCanBeLeftUntimed() {
		this.runner.withPropertyValues("context.watchdog.reactor-tasks=false")
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class)
				.doesNotHaveBean(ReactorTaskTimer.class));
	}

	@Test
	void eventLoopsCanBeLeftUnprobed() {
		this.runner.withPropertyValues("context.watchdog.event-loops=false").run((context) -> {
			assertThat(context).doesNotHaveBean("contextWatchdogEventLoopLifecycle");
			assertThat(context.getBean(Watchdog.class).totals().watchedEventLoops()).isZero();
		});
	}

	@Test
	void userWatchdogWins() {
		this.runner.withUserConfiguration(UserWatchdogConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Watchdog.class);
			assertThat(context.getBean(Watchdog.class).settings().threshold()).isEqualTo(Duration.ofSeconds(5));
			assertThat(context.getBean(Watchdog.class).isRunning()).isTrue();
		});
	}

	@Test
	void reactorPartBacksOffWithoutReactor() {
		this.runner.withClassLoader(new FilteredClassLoader(Schedulers.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class)
				.doesNotHaveBean(ReactorTaskTimer.class));
	}

	@Test
	void eventLoopPartBacksOffWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(HttpResources.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class)
				.doesNotHaveBean("contextWatchdogEventLoopLifecycle"));
	}

	@Test
	void metricsAreBoundWhenAMeterRegistryExists() {
		this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(WatchdogMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find(WatchdogMetrics.STALLED_THREADS).gauge()).isNotNull();
				assertThat(registry.find(WatchdogMetrics.STALLED_THREADS).gauge().value()).isZero();
			});
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class).doesNotHaveBean(WatchdogMetrics.class));
	}

	@Test
	void metricsBackOffWithoutAMeterRegistryBean() {
		this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class).doesNotHaveBean(WatchdogMetrics.class));
	}

	@Test
	void userWatchdogMetricsWin() {
		this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withUserConfiguration(UserMetricsConfiguration.class)
			.run((context) -> assertThat(context).getBean(WatchdogMetrics.class)
				.isSameAs(context.getBean("userWatchdogMetrics")));
	}

	@Test
	void metricsBackOffWhenTheFeatureIsOff() {
		this.runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("context.watchdog.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WatchdogMetrics.class));
	}

	@Test
	void endpointIsCreatedWhenExposed() {
		this.runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=watchdog")
			.run((context) -> assertThat(context).hasSingleBean(WatchdogEndpoint.class));
	}

	@Test
	void endpointIsNotCreatedWhenNotExposed() {
		this.runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class)
				.doesNotHaveBean(WatchdogEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenTheFeatureIsOff() {
		this.runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=watchdog", "context.watchdog.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WatchdogEndpoint.class));
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		this.runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=watchdog")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(Watchdog.class)
				.doesNotHaveBean(WatchdogEndpoint.class));
	}

	@Test
	void userWatchdogEndpointWins() {
		this.runner.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=watchdog")
			.withUserConfiguration(UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(WatchdogEndpoint.class)
				.isSameAs(context.getBean("userWatchdogEndpoint")));
	}

	@Test
	void zeroThresholdFailsAtStartupNamingTheProperty() {
		this.runner.withPropertyValues("context.watchdog.threshold=0ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("context.watchdog.threshold must be positive"));
	}

	@Test
	void checkIntervalNotShorterThanTheThresholdFailsAtStartup() {
		this.runner.withPropertyValues("context.watchdog.threshold=100ms", "context.watchdog.check-interval=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("context.watchdog.check-interval"));
	}

	@Test
	void negativeStartupGraceFailsAtStartup() {
		this.runner.withPropertyValues("context.watchdog.startup-grace=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("context.watchdog.startup-grace"));
	}

	private static List<Thread> liveWatchdogThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(Watchdog.THREAD_NAME) && thread.isAlive())
			.toList();
	}

	private static boolean isTimedTaskFrame(StackTraceElement frame) {
		return frame.getClassName().startsWith(ReactorTaskTimer.class.getName() + "$");
	}

	private static List<StackTraceElement> stackOfParallelTask() {
		return Mono.fromCallable(() -> Arrays.asList(new Throwable().getStackTrace()))
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(5));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserWatchdogConfiguration {

		@Bean
		Watchdog userWatchdog() {
			return new Watchdog(WatchdogSettings.defaults().withThreshold(Duration.ofSeconds(5)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMetricsConfiguration {

		@Bean
		WatchdogMetrics userWatchdogMetrics(Watchdog watchdog, MeterRegistry registry) {
			return new WatchdogMetrics(watchdog, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		WatchdogEndpoint userWatchdogEndpoint(Watchdog watchdog) {
			return new WatchdogEndpoint(watchdog);
		}

	}

}
