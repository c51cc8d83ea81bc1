package dev.contextstarter.requestid.webflux;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import dev.contextstarter.requestid.RequestIdGenerator;

/**
 * Gives a request ID to the responses Reactor Netty writes on its own, before any
 * application code runs: a {@code 400} for a request line or header the HTTP parser refuses
 * (a NUL or a bare line feed in a header, for example), {@code 413} or {@code 431}. Responses
 * that already carry the header, which is every response of the application, pass untouched.
 */
@Sharable
public final class NettyResponseRequestIdHandler extends ChannelOutboundHandlerAdapter {

	/** The name of this handler in the channel pipeline. */
	public static final String NAME = "contextStarter.responseRequestId";

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

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response && response.status().code() >= 200
				&& !response.headers().contains(this.header)) {
			response.headers().set(this.header, this.generator.generateId());
		}
		ctx.write(msg, promise);
	}

}
