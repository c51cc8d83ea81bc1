package dev.contextstarter.it.reactor;

import org.springframework.test.context.TestPropertySource;

/**
 * The scenarios with {@code context.reactor.automatic-propagation=true}: Reactor's
 * automatic propagation, with the starter's restoring steps for multicast sources on top.
 * No step may see another request's ID; where Reactor restores from an empty Reactor
 * {@code Context}, a step may see none (counted in the table).
 */
@TestPropertySource(properties = "context.reactor.automatic-propagation=true")
class ReactorScenarioAutomaticModeTests extends ReactorScenarioTests {

	@Override
	String mode() {
		return "automatic";
	}

	@Override
	boolean absentAllowed() {
		return true;
	}

}
