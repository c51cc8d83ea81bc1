package dev.contextstarter.watchdog;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A global budget of full log reports per interval, and the summary of what did not fit:
 * a flood of stalls is bounded, but every stall still reaches the log, in full or in the
 * summary line written when the interval ends. Used by the watchdog thread only; the
 * counts may be read from any thread.
 */
final class LogBudget {

	/** How many thread names, request IDs and places a summary line names at most. */
	static final int NAMED = 10;

	private final long intervalNanos;

	private final int max;

	private final AtomicLong full = new AtomicLong();

	private final AtomicLong summarized = new AtomicLong();

	private long windowStart;

	private boolean open;

	private int used;

	private @Nullable Summary summary;

	/**
	 * @param intervalNanos the interval, 0 for no budget (every report in full)
	 * @param max full reports per interval
	 */
	LogBudget(long intervalNanos, int max) {
		this.intervalNanos = intervalNanos;
		this.max = max;
	}

	/**
	 * Take one full report from the budget, opening a new interval if the last one is
	 * over.
	 * @param now the current monotonic time
	 * @param onSummary receives the summary of the interval that ended, if any
	 * @return {@code true} if the report may be logged in full
	 */
	boolean take(long now, SummaryWriter onSummary) {
		if (this.intervalNanos == 0) {
			this.full.incrementAndGet();
			return true;
		}
		tick(now, onSummary);
		if (!this.open) {
			this.open = true;
			this.windowStart = now;
			this.used = 0;
		}
		if (this.used < this.max) {
			this.used++;
			this.full.incrementAndGet();
			return true;
		}
		return false;
	}

	/**
	 * Add what did not fit to the summary of the current interval.
	 * @return the summary
	 */
	Summary summary() {
		if (this.summary == null) {
			this.summary = new Summary();
		}
		return this.summary;
	}

	/**
	 * Close the interval if it is over, writing its summary.
	 * @param now the current monotonic time
	 * @param onSummary receives the summary, if any
	 */
	void tick(long now, SummaryWriter onSummary) {
		if (this.open && now - this.windowStart >= this.intervalNanos) {
			this.open = false;
			flush(onSummary);
		}
	}

	/**
	 * Write the summary of the current interval now (the watchdog stops).
	 * @param onSummary receives the summary, if any
	 */
	void flush(SummaryWriter onSummary) {
		Summary pending = this.summary;
		this.summary = null;
		if (pending != null && pending.count > 0) {
			this.summarized.addAndGet(pending.count);
			onSummary.write(pending);
		}
	}

	long full() {
		return this.full.get();
	}

	long summarized() {
		return this.summarized.get();
	}

	long intervalNanos() {
		return this.intervalNanos;
	}

	int max() {
		return this.max;
	}

	/** Writes the summary line of an interval. */
	interface SummaryWriter {

		void write(Summary summary);

	}

	/**
	 * What the reports left out of one interval have in common: how many, on which
	 * threads, for which requests, where, and the worst of them.
	 */
	static final class Summary {

		int count;

		final Set<String> threads = new LinkedHashSet<>();

		final Set<String> requestIds = new LinkedHashSet<>();

		final Set<String> places = new LinkedHashSet<>();

		long worstMillis = -1;

		@Nullable String worst;

		void add(String thread, @Nullable String requestId, @Nullable String place) {
			this.count++;
			addNamed(this.threads, thread);
			if (requestId != null) {
				addNamed(this.requestIds, requestId);
			}
			if (place != null) {
				addNamed(this.places, place);
			}
		}

		void worst(long millis, String description) {
			if (millis > this.worstMillis) {
				this.worstMillis = millis;
				this.worst = description;
			}
		}

		private static void addNamed(Set<String> names, String name) {
			if (names.size() < NAMED) {
				names.add(name);
			}
		}

	}

}
