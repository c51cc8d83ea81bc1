package dev.contextstarter.support;

import java.util.Locale;

/**
 * How the starter spells an enum value wherever a person reads or writes it (properties,
 * metric tags, actuator output, log lines): lower case with dashes, {@code FIRE_ONCE} as
 * {@code fire-once}, the form Spring Boot binds a property value from.
 */
public final class EnumSpelling {

	private EnumSpelling() {
	}

	/**
	 * The value as a property or metric tag spells it.
	 * @param value the enum value
	 * @return for example {@code fire-once} for {@code FIRE_ONCE}
	 */
	public static String of(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
