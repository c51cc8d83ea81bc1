package dev.contextstarter.watchdog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The most recent items, newest first, up to a fixed capacity: the oldest goes when a new
 * one comes. Written by the watchdog thread, read by any (the actuator endpoint, tests).
 *
 * @param <T> the item type
 */
final class RecentRing<T> {

	private final int capacity;

	private final ArrayDeque<T> items = new ArrayDeque<>();

	RecentRing(int capacity) {
		this.capacity = capacity;
	}

	void add(T item) {
		if (this.capacity == 0) {
			return;
		}
		synchronized (this.items) {
			if (this.items.size() == this.capacity) {
				this.items.removeLast();
			}
			this.items.addFirst(item);
		}
	}

	/** A copy of the items, newest first. */
	List<T> newestFirst() {
		synchronized (this.items) {
			return new ArrayList<>(this.items);
		}
	}

}
