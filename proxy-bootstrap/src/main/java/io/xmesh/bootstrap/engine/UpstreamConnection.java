package io.xmesh.bootstrap.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection from xmesh to an upstream host, and the last handler of its pipeline (after
 * the protocol's CLIENT-side codec). Used only on its event loop.
 *
 * <h2>Request-id remapping</h2>
 * Each request written here gets a fresh id from this connection's counter; the pending table
 * maps that id back to the {@link Exchange}, which knows the downstream connection and the
 * client's own id. Responses are matched by id (multiplexing protocols) or are the answer to
 * the single request in flight (others), get the client's id back and go to the client.
 *
 * <h2>Ownership</h2>
 * Inbound frames are owned here until released or written to the downstream channel.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    final UpstreamPool pool;
    final LoopState loop;
    Channel channel;
    boolean active;
    boolean closed;
    private boolean closeWhenIdle;
    private long nextId = 1;
    private final LongObjectHashMap<Exchange> pending = new LongObjectHashMap<>();
    private Exchange current;
    private final ArrayDeque<Exchange> waiters = new ArrayDeque<>();
    private final List<DownstreamConnection> pausedDownstreams = new ArrayList<>(2);

    UpstreamConnection(UpstreamPool pool) {
        this.pool = pool;
        this.loop = pool.loop;
    }

    boolean connecting() {
        return !active && !closed;
    }

    boolean usable() {
        return active && !closed && !closeWhenIdle && channel.isActive();
    }

    int load() {
        return pool.multiplexing ? pending.size() + waiters.size() : (current != null || !waiters.isEmpty() ? 1 : 0);
    }

    int waiterCount() {
        return waiters.size();
    }

    /** Sends now when connected; otherwise queues until the connection is made. */
    void enqueueOrWrite(Exchange ex) {
        if (active) {
            write(ex);
        } else {
            waiters.add(ex);
            ex.connecting = this;
        }
    }

    void removeWaiter(Exchange ex) {
        waiters.remove(ex);
    }

    List<Exchange> drainWaiters() {
        List<Exchange> l = new ArrayList<>(waiters);
        waiters.clear();
        return l;
    }

    void onConnected() {
        active = true;
        Exchange ex;
        while ((ex = waiters.poll()) != null) {
            ex.connecting = null;
            if (!ex.done) {
                write(ex);
            }
        }
        loop.flush();
    }

    private void write(Exchange ex) {
        if (ex.done) {
            return;
        }
        if (!channel.isActive()) {
            ex.fail(ErrorKind.CONNECT_FAILED, "xmesh: connection to upstream " + pool.host.address() + " is closed");
            return;
        }
        long id = nextId++;
        XFrame f = ex.takeRequestForSend();
        f.setRequestId(id);
        ex.sent(this, id);
        boolean oneway = ex.kind == FrameKind.ONEWAY;
        if (!oneway) {
            if (pool.multiplexing) {
                pending.put(id, ex);
            } else {
                current = ex;
            }
        }
        loop.write(channel, f);
        if (ex.data != null) {
            XFrame d;
            while ((d = ex.data.poll()) != null) {
                d.setRequestId(id);
                loop.write(channel, d);
            }
        }
        if (!channel.isWritable()) {
            ex.down.pauseFor(this);
        }
        if (oneway) {
            ex.complete();
        }
    }

    /** Forwards a request body chunk of an exchange already sent here. <b>Ownership transferred.</b> */
    void writeData(Exchange ex, XFrame data) {
        if (closed) {
            data.release();
            return;
        }
        data.setRequestId(ex.upstreamId);
        loop.write(channel, data);
        if (!channel.isWritable()) {
            ex.down.pauseFor(this);
        }
    }

    /** Stop waiting for the response of {@code ex} (timeout, client gone). */
    void forget(Exchange ex) {
        if (pool.multiplexing) {
            if (pending.get(ex.upstreamId) == ex) {
                pending.remove(ex.upstreamId);
            }
        } else if (current == ex) {
            // The response may still come on this connection: it cannot be reused.
            current = null;
            channel.close();
        }
        maybeCloseIdle();
    }

    void closeWhenIdle() {
        closeWhenIdle = true;
        maybeCloseIdle();
    }

    private void maybeCloseIdle() {
        if (closeWhenIdle && pending.isEmpty() && current == null && waiters.isEmpty()) {
            channel.close();
        }
    }

    void addPausedDownstream(DownstreamConnection d) {
        if (!pausedDownstreams.contains(d)) {
            pausedDownstreams.add(d);
        }
    }

    void resumeReading() {
        if (channel.isActive() && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof XFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (frame.kind()) {
            case RESPONSE, DATA -> onResponse(frame);
            case HEARTBEAT -> {
                try {
                    loop.write(channel, pool.protocol.heartbeatReply(frame, channel.alloc()));
                } finally {
                    frame.release();
                }
            }
            default -> frame.release();
        }
    }

    private void onResponse(XFrame frame) {
        boolean end = frame.endOfStream();
        Exchange ex;
        if (pool.multiplexing) {
            long id = frame.requestId();
            ex = end ? pending.remove(id) : pending.get(id);
        } else {
            ex = current;
            if (end) {
                current = null;
            }
        }
        if (ex == null || ex.done) {
            // late (timed out, client gone) or unknown: drop
            frame.release();
            if (!pool.multiplexing && end) {
                pool.release(this);
            }
            maybeCloseIdle();
            return;
        }
        if (frame.kind() == FrameKind.RESPONSE) {
            int status = frame.status();
            if (frame.isServerError()) {
                pool.host.recordFailure("server error status " + status);
            } else {
                pool.host.recordSuccess();
            }
            if (end && ex.retryOnStatus(status)) {
                frame.release();
                if (!pool.multiplexing) {
                    pool.release(this);
                }
                ex.retry();
                return;
            }
            ex.status = status;
            ex.onResponseFilters(frame);
        }
        ex.responseBytes += frame.content().readableBytes();
        frame.setRequestId(ex.downstreamId);
        if (ex.down.channel.isActive()) {
            ex.down.writeResponse(frame, this);
        } else {
            frame.release();
        }
        if (end) {
            ex.complete();
            if (!pool.multiplexing) {
                pool.release(this);
            }
            maybeCloseIdle();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        loop.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && !pausedDownstreams.isEmpty()) {
            for (DownstreamConnection d : pausedDownstreams) {
                d.resume();
            }
            pausedDownstreams.clear();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (!active) {
            return; // connect failure: handled by the pool's connect listener
        }
        pool.onClosed(this);
        List<Exchange> lost = new ArrayList<>(pending.values());
        pending.clear();
        if (current != null) {
            lost.add(current);
            current = null;
        }
        if (!lost.isEmpty()) {
            String msg = "xmesh: upstream " + pool.host.address() + " of cluster '" + pool.cluster.name()
                    + "' closed the connection with the request in flight";
            pool.host.recordFailure("connection closed with " + lost.size() + " requests in flight");
            for (Exchange ex : lost) {
                ex.fail(ErrorKind.UPSTREAM_RESET, msg);
            }
        }
        for (DownstreamConnection d : pausedDownstreams) {
            d.resume();
        }
        pausedDownstreams.clear();
        loop.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable thrown) {
        Throwable cause = DownstreamConnection.unwrapCodecException(thrown);
        if (cause instanceof CodecException ce && !ce.isFatal() && ce.hasRequestId()) {
            Exchange ex = pool.multiplexing ? pending.remove(ce.requestId()) : current;
            if (!pool.multiplexing) {
                current = null;
                pool.release(this);
            }
            if (ex != null) {
                ex.fail(ErrorKind.INTERNAL, "xmesh: cannot decode the response of upstream " + pool.host.address() + ": " + ce.getMessage());
                loop.flush();
            }
            return;
        }
        if (cause instanceof java.io.IOException) {
            log.debug("upstream {}: {}", pool.host.address(), cause.toString());
        } else {
            log.warn("upstream {}: closing the connection after an error", pool.host.address(), cause);
        }
        ctx.close();
    }
}
