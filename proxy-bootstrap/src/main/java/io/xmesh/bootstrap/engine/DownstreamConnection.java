package io.xmesh.bootstrap.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.router.Route;
import io.xmesh.xprotocol.router.RouteContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The last handler of a downstream (accepted) connection, after the protocol's codec: receives
 * decoded request frames, answers heartbeats, starts an {@link Exchange} per request, and writes
 * responses back. One instance per connection, used only on the connection's event loop.
 *
 * <h2>Ownership</h2>
 * Every inbound {@link XFrame} is owned here: it is released, or its ownership passes to the
 * exchange (requests) or to an upstream channel write (data frames).
 */
final class DownstreamConnection extends ChannelInboundHandlerAdapter implements RouteContext {
    private static final Logger log = LoggerFactory.getLogger(DownstreamConnection.class);

    final ListenerRuntime listener;
    final LoopState loop;
    final XProtocol protocol;
    final String protocolName;
    Channel channel;
    /** Requests of this connection not yet ended, by downstream request id. */
    private final LongObjectHashMap<Exchange> inflight = new LongObjectHashMap<>();
    /** Upstream connections that stopped reading because this connection was not writable. */
    private final List<UpstreamConnection> pausedUpstreams = new ArrayList<>(2);
    /** When the last request arrived ({@link System#nanoTime()}). */
    long lastRequestNanos = System.nanoTime();
    /** Set once xmesh decided to close this connection: no new request is accepted. */
    private boolean closing;
    static final long LINGER_MILLIS = 2000;

    DownstreamConnection(ListenerRuntime listener, LoopState loop, XProtocol protocol, String protocolName) {
        this.listener = listener;
        this.loop = loop;
        this.protocol = protocol;
        this.protocolName = protocolName;
    }

    // RouteContext
    @Override
    public String listener() {
        return listener.name;
    }

    @Override
    public String protocol() {
        return protocolName;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    int inflightCount() {
        return inflight.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        loop.downstreams.add(this);
        listener.connections.incrementAndGet();
        listener.connectionsTotal.increment();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof XFrame frame)) {
            log.warn("listener {}: codec {} produced {}, not an XFrame; dropped", listener.name, protocolName, msg.getClass().getName());
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (frame.kind()) {
            case REQUEST, ONEWAY -> onRequest(frame);
            case DATA -> onData(frame);
            case HEARTBEAT -> {
                try {
                    loop.write(channel, protocol.heartbeatReply(frame, channel.alloc()));
                } finally {
                    frame.release();
                }
            }
            case HEARTBEAT_REPLY -> frame.release();
            case RESPONSE -> {
                log.debug("listener {}: unexpected response {} from a client; dropped", listener.name, frame.requestId());
                frame.release();
            }
        }
    }

    /**
     * Closes without losing answers already written: flushes, half-closes (FIN after the last
     * response), then discards whatever the client still sends until it closes (at most
     * {@link #LINGER_MILLIS}). Closing with unread input would send a reset, and a reset makes
     * the client's kernel drop answers it has received but not yet read.
     */
    void closeGracefully() {
        if (closing) {
            return;
        }
        closing = true;
        loop.flush();
        if (channel instanceof DuplexChannel duplex && channel.isActive()) {
            duplex.shutdownOutput().addListener(f -> {
                channel.config().setAutoRead(true);
                channel.read();
            });
            channel.eventLoop().schedule(() -> {
                channel.close();
            }, LINGER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } else {
            channel.close();
        }
    }

    private void onRequest(XFrame frame) {
        if (!channel.isActive() || closing) {
            // decoded from leftover bytes after the connection closed: it cannot be answered, so
            // it must not be forwarded either
            frame.release();
            return;
        }
        listener.requests.increment();
        lastRequestNanos = System.nanoTime();
        Exchange ex = new Exchange(this, frame);
        loop.inflight++;
        inflight.put(ex.downstreamId, ex);
        if (loop.engine.isClosingIdle()) {
            // draining: answer at once instead of starting new work upstream
            ex.fail(ErrorKind.OVERLOADED, "xmesh: proxy is shutting down; send new requests to another instance");
            return;
        }
        RouteEntry entry;
        try {
            if (listener.router != null) {
                Route r = listener.router.route(frame, this);
                entry = r == null ? null : new RouteEntry(r);
            } else {
                entry = loop.engine.routes().match(listener.name, frame);
            }
        } catch (CodecException e) {
            ex.fail(ErrorKind.BAD_REQUEST, "xmesh: cannot read the routing headers of the request: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.warn("listener {}: router failed", listener.name, e);
            ex.fail(ErrorKind.INTERNAL, "xmesh: router failed: " + e);
            return;
        }
        ex.entry = entry;
        if (entry != null) {
            ex.startTimer(entry.route().timeout().toNanos());
        }
        ex.captureHeadersIfFiltered();
        ex.runFiltersThenDispatch();
    }

    private void onData(XFrame frame) {
        Exchange ex = inflight.get(frame.requestId());
        if (ex == null || ex.done) {
            frame.release();
            return;
        }
        ex.requestBytes += frame.content().readableBytes();
        if (frame.endOfStream()) {
            ex.requestEnded = true;
        }
        if (ex.upstream != null) {
            ex.upstream.writeData(ex, frame);
        } else {
            ex.bufferData(frame);
        }
    }

    /**
     * Drain step: tells the client to go elsewhere when the protocol can, and closes the
     * connection once it has had no request in flight and none new for {@code idleNanos}.
     */
    void drainStep(long idleNanos, boolean first) {
        if (closing) {
            return;
        }
        if (first) {
            XFrame goAway = protocol.goAway(channel.alloc());
            if (goAway != null) {
                loop.write(channel, goAway);
            }
        }
        if (inflight.isEmpty() && System.nanoTime() - lastRequestNanos >= idleNanos) {
            closeGracefully();
        }
    }

    /** Ends every open request of this connection with an error reply (shutdown deadline). */
    void failAll(ErrorKind kind, String message) {
        for (Exchange ex : new ArrayList<>(inflight.values())) {
            if (ex.upstream != null) {
                ex.upstream.forget(ex);
            } else if (ex.waitingIn != null) {
                ex.waitingIn.removeWaiting(ex);
            }
            ex.retriesLeft = 0;
            ex.fail(kind, message);
        }
    }

    /** Called by an exchange when it ends. */
    void ended(Exchange ex) {
        if (inflight.get(ex.downstreamId) == ex) {
            inflight.remove(ex.downstreamId);
        }

    }

    /**
     * Writes a response to the client. <b>Ownership of frame is transferred.</b> Pauses the
     * upstream connection when the client cannot keep up.
     */
    void writeResponse(XFrame frame, UpstreamConnection from) {
        loop.write(channel, frame);
        if (!channel.isWritable() && from != null && from.channel.config().isAutoRead()) {
            from.channel.config().setAutoRead(false);
            pausedUpstreams.add(from);
        }
    }

    /** This connection stops reading until {@code up} is writable again. */
    void pauseFor(UpstreamConnection up) {
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
        up.addPausedDownstream(this);
    }

    void resume() {
        if (channel.isActive() && !channel.config().isAutoRead() && !closing) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && !pausedUpstreams.isEmpty()) {
            for (UpstreamConnection u : pausedUpstreams) {
                u.resumeReading();
            }
            pausedUpstreams.clear();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        loop.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop.downstreams.remove(this);
        listener.connections.decrementAndGet();
        if (!inflight.isEmpty()) {
            List<Exchange> open = new ArrayList<>(inflight.values());
            for (Exchange ex : open) {
                ex.abandon();
            }
        }
        for (UpstreamConnection u : pausedUpstreams) {
            u.resumeReading();
        }
        pausedUpstreams.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable thrown) {
        Throwable cause = unwrapCodecException(thrown);
        if (cause instanceof CodecException ce) {
            if (!ce.isFatal() && ce.hasRequestId()) {
                log.debug("listener {}: bad request {} from {}: {}", listener.name, ce.requestId(), channel.remoteAddress(), ce.getMessage());
                listener.countError(ErrorKind.BAD_REQUEST);
                try {
                    loop.write(channel, protocol.errorReply(null, ce.requestId(), ErrorKind.BAD_REQUEST,
                            "xmesh: bad request: " + ce.getMessage(), channel.alloc()));
                    loop.flush();
                    return;
                } catch (RuntimeException e) {
                    log.debug("no error reply possible for the codec error", e);
                }
            }
            log.warn("listener {}: closing connection from {}: {}", listener.name, channel.remoteAddress(), ce.getMessage());
        } else if (cause instanceof java.io.IOException) {
            log.debug("listener {}: connection from {} failed: {}", listener.name, channel.remoteAddress(), cause.toString());
        } else {
            log.warn("listener {}: unexpected error on connection from {}; closing it", listener.name, channel.remoteAddress(), cause);
        }
        ctx.close();
    }

    /**
     * A codec should fire its {@link CodecException}s, but one thrown from a
     * {@code ByteToMessageDecoder} arrives wrapped in a {@link io.netty.handler.codec.DecoderException}:
     * treat both alike, so a third-party codec that throws still gets error replies, not a dropped connection.
     */
    static Throwable unwrapCodecException(Throwable cause) {
        if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof CodecException ce) {
            return ce;
        }
        return cause;
    }
}
