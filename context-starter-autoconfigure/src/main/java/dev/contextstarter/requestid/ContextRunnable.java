package dev.contextstarter.requestid;

/**
 * A task that runs under a given request context and gives the running thread its
 * previous context back afterwards; for code that hands work to another thread.
 */
public final class ContextRunnable implements Runnable {

	private final Runnable task;

	private final RequestIdContext context;

	/**
	 * Create a task.
	 * @param task the task
	 * @param context the context it runs under
	 */
	public ContextRunnable(Runnable task, RequestIdContext context) {
		this.task = task;
		this.context = context;
	}

	@Override
	public void run() {
		RequestIdContext previous = RequestIdContextHolder.swap(this.context);
		try {
			this.task.run();
		}
		finally {
			RequestIdContextHolder.set(previous);
		}
	}

	@Override
	public String toString() {
		return this.task.toString();
	}

}
