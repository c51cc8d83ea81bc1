package dev.contextstarter.requestid.task;

import org.springframework.core.task.TaskDecorator;

import dev.contextstarter.requestid.ContextRunnable;
import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;

/**
 * Runs a task under the request context of the thread that submitted it, and gives the
 * worker its previous context back afterwards.
 * <p>
 * Boot applies every {@code TaskDecorator} bean to the executors and schedulers its
 * builders make ({@code applicationTaskExecutor}, so {@code @Async}; the
 * {@code taskScheduler}), so the starter declares this one as a bean. For an executor
 * built by hand: <pre class="code">
 * executor.setTaskDecorator(new RequestContextTaskDecorator());
 * </pre> When no context is current the task is returned as it is: the cost is one
 * thread-local read. A scheduler decorates a periodic task once, when it is scheduled, so
 * every run of a periodic task started inside a request carries that request's context.
 */
public final class RequestContextTaskDecorator implements TaskDecorator {

	@Override
	public Runnable decorate(Runnable runnable) {
		RequestIdContext context = RequestIdContextHolder.current();
		return (context != null) ? new ContextRunnable(runnable, context) : runnable;
	}

}
