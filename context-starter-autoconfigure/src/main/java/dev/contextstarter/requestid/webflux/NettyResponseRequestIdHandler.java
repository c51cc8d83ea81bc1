package dev.contextstarter.requestid.webflux;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import dev.contextstarter.requestid.RequestIdGenerator;

/**
 * Makes sure every response on a Reactor Netty connection carries a request ID, whoever
 * wrote it and whatever happened to its headers on the way.
 * <p>
 * A response to a request the application served carries that request's ID: the
 * {@link RequestContextHttpHandler} sets it at the start and
 * {@linkplain #rememberRequestId remembers it} on the connection, and this handler puts
 * it back should anything have removed it. The responses Reactor Netty writes on its own,
 * before any application code runs, get a fresh ID: a {@code 400} for a request line or
 * header the HTTP parser refuses (a NUL or a bare line feed in a header, for example),
 * {@code 413} or {@code 431}. Responses that already carry the header, which is almost
 * every response, pass untouched.
 */
@Sharable
public final class NettyResponseRequestIdHandler extends ChannelOutboundHandlerAdapter {

	/** The name of this handler in the channel pipeline. */
	static final String NAME = "contextStarter.responseRequestId";

	/**
	 * The ID of the request the application is serving on a connection, until its
	 * response.
	 */
	private static final AttributeKey<String> SERVED_REQUEST_ID = AttributeKey
		.valueOf(NettyResponseRequestIdHandler.class, "servedRequestId");

	private final String header;

	private final RequestIdGenerator generator;

	/**
	 * Create a handler.
	 * @param header the primary request ID header
	 * @param generator creates the IDs
	 */
	public NettyResponseRequestIdHandler(String header, RequestIdGenerator generator) {
		this.header = header;
		this.generator = generator;
	}

	/**
	 * Add this handler to every HTTP/1.1 connection of a server.
	 * @param server the server
	 * @return the configured server
	 */
	public HttpServer addTo(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
				pipeline.addAfter(NettyPipeline.HttpCodec, NAME, this);
			}
		});
	}

	/**
	 * Remember the ID of the request a Reactor Netty connection is serving, for its
	 * response. Requests of other servers are left alone.
	 * @param nativeRequest the server's own request object
	 * @param requestId the request's ID
	 */
	static void rememberRequestId(Object nativeRequest, String requestId) {
		if (nativeRequest instanceof Connection connection) {
			connection.channel().attr(SERVED_REQUEST_ID).set(requestId);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response && response.status().code() >= 200) {
			// Used up by its response (HTTP/1.1 serves one request at a time per
			// connection), so a request refused next on the same connection does not
			// inherit it.
			String served = ctx.channel().attr(SERVED_REQUEST_ID).getAndSet(null);
			if (!response.headers().contains(this.header)) {
				response.headers().set(this.header, (served != null) ? served : this.generator.generateId());
			}
		}
		ctx.write(msg, promise);
	}

}
