package dev.contextstarter.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import dev.contextstarter.requestid.InboundContextResolver;
import dev.contextstarter.requestid.MdcMapping;
import dev.contextstarter.requestid.RequestIdPolicy;
import dev.contextstarter.requestid.reactor.ReactorContextPropagation;
import dev.contextstarter.requestid.webflux.RequestContextHttpHandler;

/**
 * The starter's per-request path without a socket: a request with an {@code X-Request-ID}
 * header goes through the {@link HttpHandler} the server calls, whose application hops to
 * another scheduler once, reads the MDC there (as a log line does) and writes a small
 * body, which commits the response and its headers. WebFlux's dispatching is left out:
 * its operators cost every mode alike except for the restoring steps the starter adds
 * after its {@code flatMap}s, which only the HTTP pair measures.
 * <ul>
 * <li>{@code baseline}: the application's handler alone, no hooks;</li>
 * <li>{@code starter}: the starter's Reactor hooks installed and its
 * {@link RequestContextHttpHandler} around the handler: the inbound ID read and checked,
 * the response header, the scope and the MDC, the Reactor {@code Context} write, the
 * restoring steps and the hop's context;</li>
 * <li>{@code hooks}: the starter's Reactor hooks installed, no handler: what the hooks
 * cost a request that carries no context (the restoring steps they add at assembly, the
 * per-operator check), the part of {@code starter} that is not the handler's.</li>
 * </ul>
 * The hop goes to a {@link DrainedExecutor} that the benchmark thread drains, so the task
 * finds the thread without the context, as a worker would, but no hand-off between cores
 * blurs the difference: (starter − baseline) is the starter's CPU cost per request on
 * this path. A bare {@link AbstractServerHttpRequest} and Spring's mock response stand in
 * for the server's (both every mode pays for them); the response's commit runs Spring's
 * own {@code AbstractServerHttpResponse} code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
@State(Scope.Benchmark)
public class RequestPathBenchmark {

	private static final String HEADER = "X-Request-ID";

	private static final String REQUEST_ID = "benchmark-0123456789abcdef";

	private static final URI URL = URI.create("http://localhost/hello");

	private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);

	@Param({ "baseline", "hooks", "starter" })
	public String mode = "baseline";

	private final DrainedExecutor drainedExecutor = new DrainedExecutor();

	private final Scheduler hop = Schedulers.fromExecutor(this.drainedExecutor);

	private final DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

	private @Nullable ReactorContextPropagation propagation;

	private HttpHandler handler = this::application;

	private @Nullable String seenInMdc;

	@Setup(Level.Trial)
	public void setUp() {
		switch (this.mode) {
			case "baseline" -> {
			}
			case "hooks" -> installHooks();
			case "starter" -> {
				installHooks();
				InboundContextResolver resolver = new InboundContextResolver(RequestIdPolicy.defaults(),
						List.of(HEADER), List.of());
				this.handler = new RequestContextHttpHandler(this::application, resolver);
			}
			default -> throw new IllegalArgumentException("Unknown mode " + this.mode);
		}
		// Fail fast if a mode does not do what it claims.
		MockServerHttpResponse response = serve();
		boolean starter = "starter".equals(this.mode);
		String header = response.getHeaders().getFirst(HEADER);
		if (starter != REQUEST_ID.equals(this.seenInMdc) || starter != REQUEST_ID.equals(header)
				|| MDC.get(MdcMapping.DEFAULT_REQUEST_ID_KEY) != null) {
			throw new IllegalStateException(
					this.mode + ": MDC in the hop held '" + this.seenInMdc + "', response header '" + header
							+ "', MDC after the request '" + MDC.get(MdcMapping.DEFAULT_REQUEST_ID_KEY) + "'");
		}
	}

	private void installHooks() {
		ReactorContextPropagation installed = new ReactorContextPropagation(false);
		installed.install();
		this.propagation = installed;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.propagation != null) {
			this.propagation.uninstall();
		}
		MDC.clear();
	}

	@Benchmark
	public MockServerHttpResponse request() {
		return serve();
	}

	private MockServerHttpResponse serve() {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HEADER, REQUEST_ID);
		ServerHttpRequest request = new BenchmarkRequest(headers);
		MockServerHttpResponse response = new MockServerHttpResponse(this.buffers);
		// What a server does with the body: send it and let go of the buffers.
		response.setWriteHandler((body) -> Flux.from(body).doOnNext(DataBufferUtils::release).then());
		SpinWaitingSubscriber<Object> completion = new SpinWaitingSubscriber<>();
		this.handler.handle(request, response).subscribe(completion);
		this.drainedExecutor.drain();
		// Done by now: the hop ran on this thread, and so did everything after it.
		completion.await("");
		return response;
	}

	/**
	 * The application: one hop, a log line's MDC read, a small body that commits the
	 * response.
	 */
	private Mono<Void> application(ServerHttpRequest request, ServerHttpResponse response) {
		return Mono.just("hello").publishOn(this.hop).map((greeting) -> {
			this.seenInMdc = MDC.get(MdcMapping.DEFAULT_REQUEST_ID_KEY);
			return greeting;
		}).flatMap((greeting) -> response.writeWith(Mono.just(this.buffers.wrap(BODY))));
	}

	/**
	 * A GET without a body from no particular server, as Spring's own request classes
	 * build it.
	 */
	private static final class BenchmarkRequest extends AbstractServerHttpRequest {

		BenchmarkRequest(HttpHeaders headers) {
			super(HttpMethod.GET, URL, null, headers);
		}

		@Override
		protected MultiValueMap<String, HttpCookie> initCookies() {
			return new LinkedMultiValueMap<>();
		}

		@Override
		protected @Nullable SslInfo initSslInfo() {
			return null;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> T getNativeRequest() {
			return (T) this;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.empty();
		}

	}

}
