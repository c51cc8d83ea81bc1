package dev.contextstarter.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GlobalHook}.
 */
class GlobalHookTests {

	private static final String KEY = "dev.contextstarter.support.GlobalHookTests";

	private final List<String> calls = new ArrayList<>();

	@AfterEach
	void forgetTheKey() {
		GlobalHook.forget(KEY);
		Schedulers.resetOnScheduleHook(KEY);
	}

	@Test
	void theFirstInstallationAddsAndTheLastRemoves() {
		GlobalHook first = recording();
		GlobalHook second = recording();
		first.install();
		second.install();
		assertThat(this.calls).containsExactly("add");
		first.uninstall();
		assertThat(this.calls).containsExactly("add");
		second.uninstall();
		assertThat(this.calls).containsExactly("add", "remove");
	}

	@Test
	void anInstanceCountsOnce() {
		GlobalHook hook = recording();
		GlobalHook other = recording();
		other.install();
		hook.install();
		hook.install();
		hook.uninstall();
		hook.uninstall();
		assertThat(this.calls).containsExactly("add");
		assertThat(hook.isInstalled()).isFalse();
		assertThat(other.isInstalled()).isTrue();
		other.uninstall();
		assertThat(this.calls).containsExactly("add", "remove");
	}

	@Test
	void anInstallationForgottenSinceRemovesNothing() {
		GlobalHook stale = recording();
		stale.install();
		assertThat(GlobalHook.forget(KEY)).isTrue();
		GlobalHook fresh = recording();
		fresh.install();
		stale.uninstall();
		assertThat(this.calls).containsExactly("add", "add");
		fresh.uninstall();
		assertThat(this.calls).containsExactly("add", "add", "remove");
		assertThat(GlobalHook.forget(KEY)).isFalse();
	}

	@Test
	void aScheduleHookDecoratesTasksWhileInstalled() {
		List<String> ran = new ArrayList<>();
		GlobalHook hook = GlobalHook.onSchedule(KEY, (task) -> () -> {
			ran.add("decorated");
			task.run();
		});
		hook.install();
		Schedulers.onSchedule(() -> ran.add("task")).run();
		hook.uninstall();
		Schedulers.onSchedule(() -> ran.add("task")).run();
		assertThat(ran).containsExactly("decorated", "task", "task");
	}

	private GlobalHook recording() {
		return new GlobalHook(KEY, () -> this.calls.add("add"), () -> this.calls.add("remove"));
	}

}
