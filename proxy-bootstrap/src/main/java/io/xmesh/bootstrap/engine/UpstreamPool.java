package io.xmesh.bootstrap.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.xmesh.bootstrap.cluster.CircuitBreaker;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's connections to one {@link Host}. Only its loop uses it: no locks.
 *
 * <ul>
 *   <li>Multiplexing protocols (Dubbo): requests share up to {@code maxConnectionsPerHost}
 *       connections, each carrying up to {@code maxRequestsPerConnection} requests at once;
 *       requests wait (at most {@code maxPendingRequests}) only while a connection is being made.</li>
 *   <li>Other protocols (HTTP/1.1): one request at a time per connection; idle connections are
 *       reused; when all {@code maxConnectionsPerHost} are busy, requests queue (at most
 *       {@code maxPendingRequests}).</li>
 * </ul>
 * Over a limit, a request is answered with {@link ErrorKind#OVERLOADED} at once.
 */
final class UpstreamPool {
    private static final Logger log = LoggerFactory.getLogger(UpstreamPool.class);

    final LoopState loop;
    final Host host;
    final Cluster cluster;
    final XProtocol protocol;
    final boolean multiplexing;
    private final List<UpstreamConnection> conns = new ArrayList<>(2);
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private int rr;
    /** Set by {@link #pickMultiplexed} when it found no connection because the circuit breaker refused a new one. */
    private boolean refusedConnection;
    boolean retired;

    UpstreamPool(LoopState loop, Host host) {
        this.loop = loop;
        this.host = host;
        this.cluster = host.cluster();
        this.protocol = cluster.protocol();
        this.multiplexing = protocol.multiplexing();
    }

    int size() {
        return conns.size();
    }

    /** Sends (or queues) the request to this host. */
    void send(Exchange ex) {
        ClusterConfig cfg = cluster.config();
        if (multiplexing) {
            UpstreamConnection c = pickMultiplexed(cfg);
            if (c == null && refusedConnection) {
                ex.fail(ErrorKind.OVERLOADED, cluster.circuitBreaker().refusal(CircuitBreaker.Resource.CONNECTIONS));
                return;
            }
            if (c == null) {
                ex.fail(ErrorKind.OVERLOADED, "xmesh: upstream " + host.address() + " of cluster '" + cluster.name()
                        + "' has too many requests in flight (" + cfg.maxRequestsPerConnection() + " per connection, "
                        + cfg.maxConnectionsPerHost() + " connections; pending limit " + cfg.maxPendingRequests() + ")");
                return;
            }
            if (c.connecting() && !ex.acquirePending()) {
                ex.fail(ErrorKind.OVERLOADED, ex.pendingRefusal());
                return;
            }
            c.enqueueOrWrite(ex);
            return;
        }
        UpstreamConnection c;
        while ((c = idle.poll()) != null) {
            if (c.usable()) {
                c.enqueueOrWrite(ex);
                return;
            }
        }
        if (conns.size() < cfg.maxConnectionsPerHost()
                && cluster.circuitBreaker().tryAcquire(CircuitBreaker.Resource.CONNECTIONS)) {
            if (!ex.acquirePending()) {
                cluster.circuitBreaker().release(CircuitBreaker.Resource.CONNECTIONS);
                ex.fail(ErrorKind.OVERLOADED, ex.pendingRefusal());
                return;
            }
            connect(cfg).enqueueOrWrite(ex);
        } else if (conns.isEmpty()) {
            // the breaker refused a first connection: there is nothing to wait for
            ex.fail(ErrorKind.OVERLOADED, cluster.circuitBreaker().refusal(CircuitBreaker.Resource.CONNECTIONS));
        } else if (waiting.size() < cfg.maxPendingRequests()) {
            if (!ex.acquirePending()) {
                ex.fail(ErrorKind.OVERLOADED, ex.pendingRefusal());
                return;
            }
            waiting.add(ex);
            ex.waitingIn = this;
        } else {
            ex.fail(ErrorKind.OVERLOADED, "xmesh: upstream " + host.address() + " of cluster '" + cluster.name()
                    + "' has all " + cfg.maxConnectionsPerHost() + " connections busy and " + waiting.size() + " requests waiting");
        }
    }

    private UpstreamConnection pickMultiplexed(ClusterConfig cfg) {
        refusedConnection = false;
        int n = conns.size();
        UpstreamConnection best = null;
        boolean allBusy = true;
        for (int i = 0; i < n; i++) {
            UpstreamConnection c = conns.get((rr + i) % n);
            if (c.closed) {
                continue;
            }
            int load = c.load();
            if (load == 0) {
                allBusy = false;
            }
            if (c.connecting()) {
                if (c.waiterCount() < cfg.maxPendingRequests() && best == null) {
                    best = c;
                }
            } else if (load < cfg.maxRequestsPerConnection() && (best == null || best.connecting())) {
                best = c;
            }
        }
        rr++;
        if ((best == null || allBusy) && n < cfg.maxConnectionsPerHost() && !retired) {
            if (cluster.circuitBreaker().tryAcquire(CircuitBreaker.Resource.CONNECTIONS)) {
                return connect(cfg);
            }
            refusedConnection = best == null;
        }
        return best;
    }

    /**
     * Opens a new connection on this loop. The caller has taken a {@link CircuitBreaker.Resource#CONNECTIONS}
     * unit; it is given back when the connection leaves {@code conns} (closed or failed to connect).
     */
    private UpstreamConnection connect(ClusterConfig cfg) {
        UpstreamConnection conn = new UpstreamConnection(this);
        conns.add(conn);
        Engine engine = loop.engine;
        Bootstrap b = new Bootstrap()
                .group(loop.loop)
                .channel(engine.transport().channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, cfg.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        protocol.initChannel(ch.pipeline(), ProtocolSide.CLIENT, cfg.codec().toOptions());
                        ch.pipeline().addLast("xmesh-upstream", conn);
                    }
                });
        ChannelFuture f = b.connect(host.hostName(), host.port());
        conn.channel = f.channel();
        f.addListener((ChannelFuture cf) -> {
            if (cf.isSuccess()) {
                conn.onConnected();
            } else {
                onConnectFailed(conn, cf.cause());
            }
        });
        return conn;
    }

    private void onConnectFailed(UpstreamConnection conn, Throwable cause) {
        if (conns.remove(conn)) {
            cluster.circuitBreaker().release(CircuitBreaker.Resource.CONNECTIONS);
        }
        conn.closed = true;
        String why = cause == null ? "unknown" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        host.recordConnectFailure("cannot connect: " + why);
        String msg = "xmesh: cannot connect to upstream " + host.address() + " of cluster '" + cluster.name() + "': " + why;
        log.debug(msg);
        List<Exchange> failed = conn.drainWaiters();
        if (!multiplexing) {
            Exchange ex;
            while ((ex = waiting.poll()) != null) {
                ex.waitingIn = null;
                failed.add(ex);
            }
        }
        for (Exchange ex : failed) {
            ex.connecting = null;
            ex.fail(ErrorKind.CONNECT_FAILED, msg);
        }
        loop.flush();
    }

    /** A connection closed (after having been connected). */
    void onClosed(UpstreamConnection conn) {
        if (conns.remove(conn)) {
            cluster.circuitBreaker().release(CircuitBreaker.Resource.CONNECTIONS);
        }
        idle.remove(conn);
        if (!multiplexing && !waiting.isEmpty() && !retired) {
            Exchange ex = waiting.poll();
            ex.waitingIn = null;
            send(ex);
        }
    }

    /** A non-multiplexed connection finished its request and may take the next. */
    void release(UpstreamConnection conn) {
        if (retired || !conn.usable()) {
            if (retired) {
                conn.channel.close();
            }
            return;
        }
        Exchange ex;
        while ((ex = waiting.poll()) != null) {
            ex.waitingIn = null;
            if (!ex.done) {
                conn.enqueueOrWrite(ex);
                return;
            }
        }
        idle.push(conn);
    }

    void removeWaiting(Exchange ex) {
        waiting.remove(ex);
        ex.waitingIn = null;
        if (ex.connecting != null) {
            ex.connecting.removeWaiter(ex);
            ex.connecting = null;
        }
    }

    /** The host left the cluster: close idle connections now, busy ones when they are done. */
    void retire() {
        retired = true;
        for (UpstreamConnection c : new ArrayList<>(conns)) {
            c.closeWhenIdle();
        }
        Exchange ex;
        while ((ex = waiting.poll()) != null) {
            ex.waitingIn = null;
            ex.fail(ErrorKind.CONNECT_FAILED, "xmesh: upstream " + host.address() + " was removed from cluster '" + cluster.name() + "'");
        }
    }

    /** Closes every connection now (shutdown). */
    void closeAll() {
        for (UpstreamConnection c : new ArrayList<>(conns)) {
            c.channel.close();
        }
    }
}
