package dev.contextstarter.benchmarks;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * Receives one value and lets the caller wait for it by spinning rather than parking, so that
 * the benchmark thread needs no OS wake-up either.
 */
final class SpinWaitingSubscriber implements CoreSubscriber<String> {

	private volatile @Nullable String value;

	private volatile @Nullable Throwable error;

	private volatile boolean done;

	@Override
	public void onSubscribe(Subscription subscription) {
		subscription.request(Long.MAX_VALUE);
	}

	@Override
	public void onNext(String next) {
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

	String await() {
		int idle = 0;
		while (!this.done) {
			idle = SpinningExecutor.pause(idle);
		}
		Throwable failure = this.error;
		if (failure != null) {
			throw new IllegalStateException("Chain failed", failure);
		}
		String result = this.value;
		return (result != null) ? result : "";
	}

}
