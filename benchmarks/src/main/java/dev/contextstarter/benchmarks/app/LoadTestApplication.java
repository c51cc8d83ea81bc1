package dev.contextstarter.benchmarks.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A minimal WebFlux service: one endpoint that hops to another scheduler and logs one
 * line, the smallest request that exercises propagation into a log line. The
 * configuration under test is chosen with a profile ({@code baseline}, {@code starter} or
 * {@code tracing}) and by the classpath that {@code http-load.sh} gives it.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class LoadTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(LoadTestApplication.class, args);
	}

}
