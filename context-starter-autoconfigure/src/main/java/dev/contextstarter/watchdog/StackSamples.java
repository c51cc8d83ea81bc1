package dev.contextstarter.watchdog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The stack samples of one stall, taken by the watchdog thread at each check while the
 * thread stays stuck, up to a cap, and reduced at once to counts per place: the first
 * application frame, after the method the thread waited in when it was not running. A
 * stall that changes phase (JSON parsing, then a blocking call) shows both phases with
 * their shares. Used by the watchdog thread only.
 */
final class StackSamples {

	/** How many places a report names at most. */
	static final int REPORTED_PLACES = 5;

	private final int max;

	private final Map<String, Place> places = new LinkedHashMap<>();

	private int count;

	StackSamples(int max) {
		this.max = max;
	}

	boolean full() {
		return this.count >= this.max;
	}

	int count() {
		return this.count;
	}

	void add(StackTraceElement[] stack, Thread.State state) {
		if (full() || stack.length == 0) {
			return;
		}
		this.count++;
		StackTraceElement app = ApplicationFrames.top(Arrays.asList(stack));
		StackTraceElement top = stack[0];
		// A thread that is waiting (or in blocking native I/O) is best described by what
		// it waits in; a running one by the application code it runs.
		boolean waiting = state != Thread.State.RUNNABLE || (top.isNativeMethod() && StallClassifier.isIo(top));
		String leaf = (app == null || (waiting && top != app)) ? ApplicationFrames.method(top) : null;
		String key = ((leaf != null) ? leaf : "") + "|"
				+ ((app != null) ? app.getClassName() + "." + app.getMethodName() : "");
		Place place = this.places.computeIfAbsent(key, (k) -> new Place(leaf, app));
		place.samples++;
		if (app != null && place.line != app.getLineNumber()) {
			place.line = -1;
		}
	}

	/**
	 * The places that took most samples, most first.
	 * @return at most {@value #REPORTED_PLACES} places with their shares
	 */
	List<FrameShare> hottest() {
		List<FrameShare> shares = new ArrayList<>();
		for (Place place : this.places.values()) {
			shares.add(new FrameShare(place.describe(), place.samples, (double) place.samples / this.count));
		}
		shares.sort(Comparator.comparingInt(FrameShare::samples).reversed());
		return List.copyOf(shares.subList(0, Math.min(REPORTED_PLACES, shares.size())));
	}

	private static final class Place {

		private final @Nullable String leaf;

		private final @Nullable StackTraceElement app;

		/**
		 * The application frame's line while all samples agree on it, -1 once they
		 * differ.
		 */
		private int line;

		private int samples;

		Place(@Nullable String leaf, @Nullable StackTraceElement app) {
			this.leaf = leaf;
			this.app = app;
			this.line = (app != null) ? app.getLineNumber() : -1;
		}

		String describe() {
			if (this.app == null) {
				return String.valueOf(this.leaf);
			}
			String where = ApplicationFrames.method(this.app) + ((this.line > 0) ? ":" + this.line : "");
			return (this.leaf != null) ? this.leaf + " ← " + where : where;
		}

	}

}
