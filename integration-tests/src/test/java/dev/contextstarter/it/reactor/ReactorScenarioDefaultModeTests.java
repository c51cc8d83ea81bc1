package dev.contextstarter.it.reactor;

/**
 * The scenarios with the starter's defaults: its own propagation. No step may see another
 * request's ID, nor miss its own.
 */
class ReactorScenarioDefaultModeTests extends ReactorScenarioTests {

	@Override
	String mode() {
		return "default";
	}

	@Override
	boolean absentAllowed() {
		return false;
	}

}
