package dev.contextstarter.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * Compares the wall clock with the monotonic clock every check interval.
 * <p>
 * The skew is {@code (wall - wall0) - (mono - mono0)}. When it changes by more than the
 * jump threshold between two checks the wall clock was stepped, and a
 * {@link ClockJumpEvent} is published. When the monotonic gap between two checks exceeds
 * the interval plus the stall threshold the process was not running, and a
 * {@link ProcessStallEvent} is published. Both are logged at WARN. Daylight-saving
 * transitions change neither clock (wall time is UTC), so they are never reported.
 */
public class ClockJumpDetector {

	private static final Logger logger = LoggerFactory.getLogger(ClockJumpDetector.class);

	/** How many recent jumps and stalls are kept for the actuator endpoint. */
	static final int RECENT_LIMIT = 32;

	private final TimeSource timeSource;

	private final Duration checkInterval;

	private final Duration jumpThreshold;

	private final Duration stallThreshold;

	private final ApplicationEventPublisher publisher;

	private final @Nullable ScheduledExecutorService providedExecutor;

	private final Deque<ClockEvent> recent = new ArrayDeque<>();

	private @Nullable ScheduledExecutorService ownExecutor;

	private @Nullable ScheduledFuture<?> ticking;

	private boolean baselined;

	private Instant wallOrigin = Instant.EPOCH;

	private long monoOrigin;

	private Instant lastWall = Instant.EPOCH;

	private long lastMono;

	private long lastSkewNanos;

	private long lastUncertainty;

	private volatile long skewNanos;

	private volatile @Nullable Instant lastCheck;

	/**
	 * Create a detector that runs its checks on a daemon thread of its own.
	 * @param timeSource the clocks to compare
	 * @param checkInterval time between checks
	 * @param jumpThreshold skew change that counts as a jump
	 * @param stallThreshold extra gap beyond the interval that counts as a stall
	 * @param publisher where events go
	 */
	public ClockJumpDetector(TimeSource timeSource, Duration checkInterval, Duration jumpThreshold,
			Duration stallThreshold, ApplicationEventPublisher publisher) {
		this(timeSource, checkInterval, jumpThreshold, stallThreshold, publisher, null);
	}

	/**
	 * Create a detector that runs its checks on the given executor (for tests with a
	 * manual executor); the executor is not shut down by the detector.
	 * @param timeSource the clocks to compare
	 * @param checkInterval time between checks
	 * @param jumpThreshold skew change that counts as a jump
	 * @param stallThreshold extra gap beyond the interval that counts as a stall
	 * @param publisher where events go
	 * @param executor the executor to tick on, or {@code null} for a thread of its own
	 */
	public ClockJumpDetector(TimeSource timeSource, Duration checkInterval, Duration jumpThreshold,
			Duration stallThreshold, ApplicationEventPublisher publisher, @Nullable ScheduledExecutorService executor) {
		Assert.isTrue((checkInterval.compareTo(Duration.ZERO) > 0), "checkInterval must be positive");
		Assert.isTrue((jumpThreshold.compareTo(Duration.ZERO) > 0), "jumpThreshold must be positive");
		Assert.isTrue(!stallThreshold.isNegative(), "stallThreshold must not be negative");
		this.timeSource = timeSource;
		this.checkInterval = checkInterval;
		this.jumpThreshold = jumpThreshold;
		this.stallThreshold = stallThreshold;
		this.publisher = publisher;
		this.providedExecutor = executor;
	}

	/**
	 * Compare the clocks now. Called every check interval once started; tests may call it
	 * directly.
	 */
	public void check() {
		List<ClockEvent> events = new ArrayList<>(2);
		synchronized (this) {
			ClockReading reading = ClockReading.of(this.timeSource);
			Instant wall = reading.wall();
			long mono = reading.mono();
			this.lastCheck = wall;
			if (!this.baselined) {
				this.baselined = true;
				this.wallOrigin = wall;
				this.monoOrigin = mono;
				this.lastWall = wall;
				this.lastMono = mono;
				this.lastSkewNanos = 0;
				this.skewNanos = 0;
				this.lastUncertainty = reading.uncertaintyNanos();
				return;
			}
			long skew = Duration.between(this.wallOrigin, wall).toNanos() - (mono - this.monoOrigin);
			long change = skew - this.lastSkewNanos;
			long gap = mono - this.lastMono;
			// a change within the two readings' uncertainty may be preemption, not a jump
			long uncertainty = this.lastUncertainty + reading.uncertaintyNanos();
			if (Math.abs(change) > this.jumpThreshold.toNanos() + uncertainty) {
				JumpDirection direction = (change > 0) ? JumpDirection.FORWARD : JumpDirection.BACKWARD;
				events
					.add(new ClockJumpEvent(this, direction, Duration.ofNanos(Math.abs(change)), this.lastWall, wall));
			}
			long expected = this.checkInterval.toNanos();
			if (gap > expected + this.stallThreshold.toNanos()) {
				events.add(new ProcessStallEvent(this, Duration.ofNanos(gap - expected), Duration.ofNanos(gap),
						this.lastWall, wall));
			}
			this.lastSkewNanos = skew;
			this.skewNanos = skew;
			this.lastWall = wall;
			this.lastMono = mono;
			this.lastUncertainty = reading.uncertaintyNanos();
			for (ClockEvent event : events) {
				this.recent.addLast(event);
				if (this.recent.size() > RECENT_LIMIT) {
					this.recent.removeFirst();
				}
			}
		}
		for (ClockEvent event : events) {
			logger.warn("{}", event);
			this.publisher.publishEvent(event);
		}
	}

	/**
	 * Return the wall clock's total drift from the monotonic clock since the first check:
	 * the sum of all jumps (and of any slow slewing).
	 * @return the skew, positive when the wall clock is ahead
	 */
	public Duration currentSkew() {
		return Duration.ofNanos(this.skewNanos);
	}

	/**
	 * Return the wall time of the latest check.
	 * @return the latest check's wall time, or {@code null} before the first check
	 */
	public @Nullable Instant lastCheck() {
		return this.lastCheck;
	}

	/**
	 * Return the most recent jumps and stalls, oldest first.
	 * @return recent events
	 */
	public synchronized List<ClockEvent> recentEvents() {
		return List.copyOf(this.recent);
	}

	/**
	 * Return the interval between checks.
	 * @return the check interval
	 */
	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	/**
	 * Start checking every check interval; the first check sets the baseline.
	 */
	public synchronized void start() {
		if (this.ticking != null) {
			return;
		}
		ScheduledExecutorService executor = this.providedExecutor;
		if (executor == null) {
			executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "context-clock-check");
				thread.setDaemon(true);
				return thread;
			});
			this.ownExecutor = executor;
		}
		long interval = this.checkInterval.toNanos();
		this.ticking = executor.scheduleWithFixedDelay(this::checkSafely, 0, interval, TimeUnit.NANOSECONDS);
	}

	private void checkSafely() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			// a failing listener must not stop the checks
			logger.error("Clock check failed", ex);
		}
	}

	/**
	 * Stop checking; a later {@link #start()} sets a new baseline.
	 */
	public synchronized void stop() {
		if (this.ticking != null) {
			this.ticking.cancel(false);
			this.ticking = null;
		}
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
			this.ownExecutor = null;
		}
		this.baselined = false;
	}

	/**
	 * Whether the checks are running.
	 * @return {@code true} after {@link #start()} until {@link #stop()}
	 */
	public synchronized boolean isRunning() {
		return this.ticking != null;
	}

}
