package dev.contextstarter.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.asm.ClassReader;
import org.springframework.asm.Opcodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No public top-level type of ours shares its simple name with a public top-level type of
 * Spring Framework or Spring Boot on this (WebFlux, AMQP, actuator) class path, so that
 * an IDE never offers the wrong import. Nested types are left out on both sides: they are
 * written with their outer type's name.
 */
class PublicTypeNamesTests {

	private static final String OUR_PREFIX = "dev/contextstarter/";

	/** This module's own test classes, which are not part of what users get. */
	private static final String OUR_TESTS_PREFIX = OUR_PREFIX + "it/";

	/**
	 * Spring Framework's jars ({@code org.springframework:spring-*}) and Spring Boot's.
	 */
	private static final Pattern SPRING_JAR = Pattern.compile(
			".*[/\\\\]org[/\\\\]springframework[/\\\\](boot[/\\\\].*|spring-[^/\\\\]+[/\\\\][^/\\\\]+[/\\\\][^/\\\\]+\\.jar)");

	@Test
	void noPublicTypeOfOursSharesASimpleNameWithSpring() throws IOException {
		Map<String, List<String>> ours = new TreeMap<>();
		Map<String, List<String>> spring = new TreeMap<>();
		for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
			Path path = Path.of(entry);
			if (SPRING_JAR.matcher(path.toAbsolutePath().toString()).matches()) {
				collectPublicTypes(path, (name) -> name.startsWith("org/springframework/"), spring);
			}
			else {
				collectPublicTypes(path, (name) -> name.startsWith(OUR_PREFIX) && !name.startsWith(OUR_TESTS_PREFIX),
						ours);
			}
		}
		// Both sides were found: the scan would have caught the clash it was written for.
		assertThat(ours).containsKeys("RequestIdContextHolder", "WithRequestContext", "Watchdog");
		assertThat(spring).containsKeys("RequestContextHolder", "RequestContext", "SpringApplication");
		List<String> clashes = new ArrayList<>();
		ours.forEach((simpleName, ourTypes) -> {
			List<String> springTypes = spring.get(simpleName);
			if (springTypes != null) {
				clashes.add(ourTypes + " ~ " + springTypes);
			}
		});
		assertThat(clashes).as("public types of ours named like Spring's").isEmpty();
	}

	private static void collectPublicTypes(Path classPathEntry, Predicate<String> included,
			Map<String, List<String>> typesBySimpleName) throws IOException {
		if (Files.isDirectory(classPathEntry)) {
			try (Stream<Path> files = Files.walk(classPathEntry)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					String name = classPathEntry.relativize(file).toString().replace(File.separatorChar, '/');
					if (isTopLevelClass(name) && included.test(name)) {
						try (InputStream in = Files.newInputStream(file)) {
							addIfPublic(name, in, typesBySimpleName);
						}
					}
				}
			}
		}
		else if (classPathEntry.toString().endsWith(".jar") && Files.isRegularFile(classPathEntry)) {
			try (JarFile jar = new JarFile(classPathEntry.toFile())) {
				Enumeration<JarEntry> entries = jar.entries();
				while (entries.hasMoreElements()) {
					JarEntry entry = entries.nextElement();
					String name = entry.getName();
					if (isTopLevelClass(name) && included.test(name)) {
						try (InputStream in = jar.getInputStream(entry)) {
							addIfPublic(name, in, typesBySimpleName);
						}
					}
				}
			}
		}
	}

	private static boolean isTopLevelClass(String name) {
		return name.endsWith(".class") && !name.contains("$") && !name.startsWith("META-INF/")
				&& !name.endsWith("package-info.class") && !name.endsWith("module-info.class");
	}

	private static void addIfPublic(String name, InputStream classFile, Map<String, List<String>> typesBySimpleName)
			throws IOException {
		if ((new ClassReader(classFile).getAccess() & Opcodes.ACC_PUBLIC) == 0) {
			return;
		}
		String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
		String simpleName = className.substring(className.lastIndexOf('.') + 1);
		typesBySimpleName.computeIfAbsent(simpleName, (key) -> new ArrayList<>()).add(className);
	}

}
