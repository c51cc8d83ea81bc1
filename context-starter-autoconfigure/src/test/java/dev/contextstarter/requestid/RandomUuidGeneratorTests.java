package dev.contextstarter.requestid;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RandomUuidGeneratorTests {

	private final RandomUuidGenerator generator = new RandomUuidGenerator();

	@Test
	void generatesCanonicalLowercaseVersion4Uuids() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			String id = this.generator.generateId();
			assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
			UUID uuid = UUID.fromString(id);
			assertThat(uuid.version()).isEqualTo(4);
			assertThat(uuid.variant()).isEqualTo(2);
			assertThat(uuid.toString()).isEqualTo(id);
			assertThat(RequestIdPolicy.defaults().isValid(id)).isTrue();
			seen.add(id);
		}
		assertThat(seen).hasSize(10_000);
	}

}
