package dev.contextstarter.benchmarks;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Receives at most one value and lets the caller wait for the end by spinning rather than
 * parking, so that the benchmark thread needs no OS wake-up either.
 *
 * @param <T> the value type
 */
final class SpinWaitingSubscriber<T> implements CoreSubscriber<T> {

	private volatile @Nullable T value;

	private volatile @Nullable Throwable error;

	private volatile boolean done;

	@Override
	public void onSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(T next) {
		this.value = next;
	}

	@Override
	public void onError(Throwable failure) {
		this.error = failure;
		this.done = true;
	}

	@Override
	public void onComplete() {
		this.done = true;
	}

	/**
	 * Wait until the source ends.
	 * @param whenEmpty what to return when it ended without a value
	 * @return the value
	 * @throws IllegalStateException if it failed
	 */
	T await(T whenEmpty) {
		int idle = 0;
		while (!this.done) {
			idle = SpinningExecutor.pause(idle);
		}
		Throwable failure = this.error;
		if (failure != null) {
			throw new IllegalStateException("Chain failed", failure);
		}
		T result = this.value;
		return (result != null) ? result : whenEmpty;
	}

}
