package dev.contextstarter.requestid.reactor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;

class PublisherClassTableTests {

	private final Map<Class<?>, AtomicInteger> computed = new ConcurrentHashMap<>();

	private final PublisherClassTable<String> table = new PublisherClassTable<>(this::compute,
			Flux.class.getClassLoader());

	@Test
	void classesOfTheGivenLoaderAreKeptInTheArrayAndComputedOnce() {
		Class<?> map = Mono.just(1).map((value) -> value).getClass();
		assertThat(this.table.get(map)).isEqualTo(map.getName());
		assertThat(this.table.get(map)).isEqualTo(map.getName());
		assertThat(this.table.holds(map)).isTrue();
		assertThat(this.computed.get(map)).hasValue(1);
	}

	@Test
	void classesOfOtherLoadersAreLeftToTheClassValue() {
		// The JDK's classes have the boot loader; a library's may have one that must
		// stay free to be collected.
		assertThat(this.table.get(String.class)).isEqualTo(String.class.getName());
		assertThat(this.table.get(String.class)).isEqualTo(String.class.getName());
		assertThat(this.table.holds(String.class)).isFalse();
		assertThat(this.computed.get(String.class)).hasValue(1);
	}

	@Test
	void everyClassGetsItsOwnValueWhenThereAreMoreClassesThanSlots() throws IOException, URISyntaxException {
		List<Class<?>> classes = new ArrayList<>();
		classes.addAll(classesInJarOf(Flux.class, "reactor/"));
		classes.addAll(classesInJarOf(Assert.class, "org/springframework/"));
		assertThat(classes.size()).isGreaterThan(1024);
		for (Class<?> type : classes) {
			assertThat(this.table.get(type)).isEqualTo(type.getName());
		}
		for (Class<?> type : classes) {
			assertThat(this.table.get(type)).isEqualTo(type.getName());
			assertThat(this.computed.get(type).get()).isOne();
		}
		long held = classes.stream().filter(this.table::holds).count();
		assertThat(held).isPositive().isLessThan(classes.size());
	}

	private String compute(Class<?> type) {
		this.computed.computeIfAbsent(type, (key) -> new AtomicInteger()).incrementAndGet();
		return type.getName();
	}

	/**
	 * The classes in the jar of {@code type} that load, to fill the table past its size.
	 */
	private static List<Class<?>> classesInJarOf(Class<?> type, String prefix) throws IOException, URISyntaxException {
		Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<Class<?>> classes = new ArrayList<>();
		try (JarFile file = new JarFile(jar.toFile())) {
			file.stream()
				.map((entry) -> entry.getName())
				.filter((name) -> name.startsWith(prefix) && name.endsWith(".class") && !name.contains("-"))
				.forEach((name) -> {
					try {
						classes.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
								type.getClassLoader()));
					}
					catch (ClassNotFoundException | LinkageError ex) {
						// Optional dependencies missing: not needed to fill the table.
					}
				});
		}
		return classes;
	}

}
