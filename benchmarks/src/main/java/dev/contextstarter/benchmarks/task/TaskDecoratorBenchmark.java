package dev.contextstarter.benchmarks.task;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.core.task.TaskDecorator;

import dev.contextstarter.requestid.RequestIdContext;
import dev.contextstarter.requestid.RequestIdContextHolder;
import dev.contextstarter.requestid.task.RequestContextTaskDecorator;

/**
 * Cost per task of the starter's {@code TaskDecorator}: what an executor does for every
 * task (decorate it on the submitting thread, run the result on a worker), with no
 * decorator ({@code decorator=none}) and with the starter's ({@code starter}).
 * <p>
 * {@code inRequest=false}: no context is current, the case of work started outside any
 * request; the decorator's cost is one thread-local read and no allocation.
 * {@code inRequest=true}: the task is decorated inside a request's scope and run on the
 * same thread after that scope closed, as a worker without a context runs it: the
 * decorator sets the context (and the MDC) for the run and puts both back. Opening and
 * closing the request's scope is paid by both decorators; the difference between them is
 * the decorator's cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TaskDecoratorBenchmark {

	@Param({ "none", "starter" })
	public String decorator;

	@Param({ "false", "true" })
	public boolean inRequest;

	private final Runnable task = this::work;

	private final RequestIdContext context = RequestIdContext.of("6f1c2d4e-8a9b-4c0d-9e1f-2a3b4c5d6e7f");

	private TaskDecorator taskDecorator;

	private long counter;

	@Setup(Level.Trial)
	public void setUp() {
		this.taskDecorator = this.decorator.equals("none") ? (runnable) -> runnable : new RequestContextTaskDecorator();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		RequestIdContextHolder.set(null);
	}

	@Benchmark
	public long decorateAndRun() {
		Runnable decorated;
		if (this.inRequest) {
			RequestIdContext previous = RequestIdContextHolder.swap(this.context);
			decorated = this.taskDecorator.decorate(this.task);
			RequestIdContextHolder.set(previous);
		}
		else {
			decorated = this.taskDecorator.decorate(this.task);
		}
		decorated.run();
		return this.counter;
	}

	private void work() {
		this.counter++;
	}

}
