package io.xmesh.bootstrap.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ListenerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The proxy engine: event loops, listeners, clusters, routes and the request path between them.
 *
 * <h2>Threading model</h2>
 * One group of {@code eventLoops} Netty event loops (epoll when available) accepts and serves
 * every connection. A downstream connection is bound to one loop for its life, and every
 * upstream connection its requests use is opened on that same loop from that loop's own
 * {@link UpstreamPool}s, so a request is handled from arrival to answer on one thread, without
 * locks or thread hops. Shared state that other threads change at runtime — {@link ClusterManager}
 * (clusters and their hosts) and {@link RouteTable} — is published as immutable snapshots that
 * the loops read with a single volatile read.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} binds every listener (and fails if one cannot be bound);
 * {@link #shutdown(Duration)} drains gracefully. Both block, so call them off the event loops.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    /** During drain, a connection quiet for this long (and with nothing in flight) is closed. */
    static final long IDLE_BEFORE_CLOSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final XmeshConfig config;
    private final PluginResolver plugins;
    private final MeterRegistry meters;
    private final ClusterManager clusters;
    private final RouteTable routes;
    private final Map<String, ListenerRuntime> listeners = new LinkedHashMap<>();
    private final List<Runnable> preShutdownHooks = new CopyOnWriteArrayList<>();
    private final Map<EventExecutor, LoopState> loopStates = new IdentityHashMap<>();
    private Transport transport;
    private EventLoopGroup group;
    private volatile boolean started;
    private volatile boolean draining;
    private volatile boolean closingIdle;
    private volatile boolean stopped;

    /**
     * @param config  the configuration (listeners, routes and clusters to start with)
     * @param plugins where protocols, filters and routers come from
     * @param meters  where metrics go
     */
    public Engine(XmeshConfig config, PluginResolver plugins, MeterRegistry meters) {
        this.config = config;
        this.plugins = plugins;
        this.meters = meters;
        this.clusters = new ClusterManager(plugins, meters, this::onHostsRemoved);
        this.routes = new RouteTable(plugins, meters);
    }

    /** Clusters, changeable at runtime. */
    public ClusterManager clusters() {
        return clusters;
    }

    /** Routes of the configuration-driven router, changeable at runtime. */
    public RouteTable routes() {
        return routes;
    }

    /** The configuration the engine started with. */
    public XmeshConfig config() {
        return config;
    }

    /** The meter registry. */
    public MeterRegistry meters() {
        return meters;
    }

    /** The transport in use; null before {@link #start()}. */
    public Transport transport() {
        return transport;
    }

    /** Number of I/O event loops. */
    public int eventLoops() {
        return loopStates.size();
    }

    /** True once started and until shutdown begins. */
    public boolean isReady() {
        return started && !draining;
    }

    boolean isDraining() {
        return draining;
    }

    boolean isClosingIdle() {
        return closingIdle;
    }

    /**
     * Registers work to run first thing in {@link #shutdown}, before listeners stop accepting:
     * for example removing this proxy's registrations from the registry. Hooks run in order on
     * the shutting-down thread, may block briefly, and must bound their own time.
     */
    public void addPreShutdownHook(Runnable hook) {
        preShutdownHooks.add(hook);
    }

    /**
     * Starts event loops, creates clusters and routes, and binds every listener.
     *
     * @throws IllegalStateException when a listener cannot be bound (the engine is then stopped)
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        transport = Transport.select(config.engine().transport());
        int n = config.engine().eventLoops() > 0 ? config.engine().eventLoops() : Runtime.getRuntime().availableProcessors();
        group = transport.newGroup(n, "io");
        for (EventExecutor e : group) {
            loopStates.put(e, new LoopState((EventLoop) e, this));
        }
        for (ClusterConfig c : config.clusters()) {
            clusters.upsert(c);
        }
        for (RouteConfig r : config.routes()) {
            routes.upsert(r);
        }
        try {
            for (ListenerConfig l : config.listeners()) {
                addListener(l);
            }
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        started = true;
        log.info("xmesh engine started: {} event loops, transport {}", n, transport.name());
    }

    /**
     * Binds a listener (at startup, or later at runtime).
     *
     * @return the bound address
     * @throws IllegalStateException when the address cannot be bound
     */
    public synchronized InetSocketAddress addListener(ListenerConfig lc) {
        if (listeners.containsKey(lc.name())) {
            throw new IllegalArgumentException("listener '" + lc.name() + "' exists");
        }
        ListenerRuntime rt = new ListenerRuntime(lc, plugins, meters);
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        LoopState loop = loopStates.get(ch.eventLoop());
                        int max = lc.maxConnections();
                        if (draining || (max > 0 && rt.connections.get() >= max)) {
                            log.warn("listener {}: refusing connection from {} ({})", lc.name(), ch.remoteAddress(),
                                    draining ? "shutting down" : "at its limit of " + max + " connections");
                            ch.close();
                            return;
                        }
                        if (rt.protocols.size() == 1 && !rt.tcpFallback) {
                            rt.protocols.get(0).initChannel(ch.pipeline(), ProtocolSide.SERVER, rt.codecOptions);
                            ch.pipeline().addLast("xmesh-downstream",
                                    new DownstreamConnection(rt, loop, rt.protocols.get(0), rt.protocolNames.get(0)));
                        } else {
                            ch.pipeline().addLast("xmesh-detect", new ProtocolDetector(rt, loop));
                        }
                    }
                });
        Channel server;
        try {
            server = b.bind(lc.address(), lc.port()).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("listener '" + lc.name() + "' cannot bind " + lc.address() + ":" + lc.port() + ": " + e.getMessage(), e);
        }
        rt.serverChannel = server;
        listeners.put(lc.name(), rt);
        InetSocketAddress addr = (InetSocketAddress) server.localAddress();
        log.info("listener {} ({}, {}) listening on {}:{}", lc.name(), String.join("+", lc.protocols()),
                lc.role().name().toLowerCase(java.util.Locale.ROOT), addr.getHostString(), addr.getPort());
        return addr;
    }

    /** The bound address of a listener, or null. */
    public InetSocketAddress listenerAddress(String name) {
        ListenerRuntime rt = listeners.get(name);
        return rt == null || rt.serverChannel == null ? null : (InetSocketAddress) rt.serverChannel.localAddress();
    }

    /** Names and bound addresses of the listeners, in configuration order. */
    public Map<String, InetSocketAddress> listenerAddresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        listeners.keySet().forEach(n -> m.put(n, listenerAddress(n)));
        return m;
    }

    /** Open downstream connections of a listener. */
    public int listenerConnections(String name) {
        ListenerRuntime rt = listeners.get(name);
        return rt == null ? 0 : rt.connections.get();
    }

    private void onHostsRemoved(List<Host> removed) {
        for (LoopState s : loopStates.values()) {
            s.loop.execute(() -> removed.forEach(s::retire));
        }
    }

    /** Requests in flight on every loop (asks each loop; blocks briefly). */
    public int inflight() {
        return sumOverLoops(s -> s.inflight);
    }

    /**
     * Bytes written to downstream connections and not yet taken by the clients, summed over every
     * loop (asks each loop; blocks briefly). Backpressure keeps this near the write-buffer high
     * water mark per connection however slow a client is.
     */
    long pendingDownstreamBytes() {
        return sumOverLoops(s -> {
            long n = 0;
            for (DownstreamConnection d : s.downstreams) {
                io.netty.channel.ChannelOutboundBuffer ob = d.channel.unsafe().outboundBuffer();
                n += ob == null ? 0 : ob.totalPendingWriteBytes();
            }
            return (int) Math.min(Integer.MAX_VALUE, n);
        });
    }

    /** Open downstream connections on every loop (asks each loop; blocks briefly). */
    int openDownstreams() {
        return sumOverLoops(s -> s.downstreams.size());
    }

    private int sumOverLoops(java.util.function.ToIntFunction<LoopState> what) {
        int total = 0;
        List<Future<Integer>> fs = new ArrayList<>();
        for (LoopState s : loopStates.values()) {
            if (!s.loop.isShuttingDown()) {
                fs.add(s.loop.submit(() -> what.applyAsInt(s)));
            }
        }
        for (Future<Integer> f : fs) {
            try {
                total += f.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // loop gone: nothing in flight there
            }
        }
        return total;
    }

    private boolean waitForInflight(long deadlineNanos) throws InterruptedException {
        while (true) {
            int n = inflight();
            if (n == 0) {
                return true;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
    }

    /**
     * Graceful shutdown: runs the pre-shutdown hooks (unpublish), stops accepting connections,
     * keeps serving open connections normally for {@code drainQuietPeriod} (clients that learned
     * of the shutdown through the registry move away), then answers new requests at once with
     * an {@code OVERLOADED} error ("xmesh: proxy is shutting down"), lets requests in flight
     * finish, and closes each connection once it is idle (half-close first, so no answer is
     * lost), until all are closed or {@code timeout} has passed. Requests still open at the
     * deadline are answered with an error; then event loops stop.
     * Blocking; idempotent.
     */
    public void shutdown(Duration timeout) {
        synchronized (this) {
            if (stopped || !started) {
                stopped = true;
                closeQuietly();
                return;
            }
            stopped = true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        draining = true;
        for (Runnable hook : preShutdownHooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                log.warn("pre-shutdown hook failed", e);
            }
        }
        for (ListenerRuntime rt : listeners.values()) {
            rt.serverChannel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        log.info("stopped accepting connections; draining requests in flight (up to {} ms)", timeout.toMillis());
        try {
            // Keep serving open connections for the quiet period (clients that learned of the
            // shutdown, e.g. through the registry, move away), then stop reading new requests.
            long quiet = config.engine().drainQuietPeriod().toNanos();
            if (quiet > 0) {
                Thread.sleep(Math.max(0, Math.min(TimeUnit.NANOSECONDS.toMillis(quiet),
                        TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            }
            closingIdle = true;
            // New requests are now answered at once with an error; a connection is closed once
            // it has nothing in flight and has been quiet for a moment (closing while a client is
            // still sending would lose requests in transit). Protocols that can tell clients to go
            // away (XProtocol#goAway) do so first.
            boolean first = true;
            boolean drained = false;
            while (System.nanoTime() - deadline < 0) {
                boolean firstRound = first;
                for (LoopState s : loopStates.values()) {
                    s.loop.execute(() -> {
                        for (DownstreamConnection d : new ArrayList<>(s.downstreams)) {
                            d.drainStep(IDLE_BEFORE_CLOSE_NANOS, firstRound);
                        }
                        s.flush();
                    });
                }
                first = false;
                if (inflight() == 0 && openDownstreams() == 0) {
                    drained = true;
                    break;
                }
                Thread.sleep(20);
            }
            drained = drained || waitForInflight(deadline);
            if (drained) {
                // let half-closed connections deliver their last answers before closing them
                long lingerEnd = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DownstreamConnection.LINGER_MILLIS));
                while (openDownstreams() > 0 && System.nanoTime() - lingerEnd < 0) {
                    Thread.sleep(10);
                }
            } else {
                log.warn("shutdown deadline reached with {} requests in flight; answering them with an error", inflight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Future<?>> closing = new ArrayList<>();
        for (LoopState s : loopStates.values()) {
            closing.add(s.loop.submit(() -> {
                for (DownstreamConnection d : new ArrayList<>(s.downstreams)) {
                    d.failAll(ErrorKind.UPSTREAM_RESET, "xmesh: proxy is shutting down");
                }
                s.flush();
                for (DownstreamConnection d : new ArrayList<>(s.downstreams)) {
                    d.channel.close();
                }
                s.closeAllPools();
            }));
        }
        for (Future<?> f : closing) {
            try {
                f.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("closing connections", e);
            }
        }
        closeQuietly();
        log.info("xmesh engine stopped");
    }

    private void closeQuietly() {
        draining = true;
        for (ListenerRuntime rt : listeners.values()) {
            if (rt.serverChannel != null) {
                rt.serverChannel.close();
            }
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        // the loops are stopped: no filter is called any more; filters with resources (the access log's
        // writer thread) are closed
        for (ListenerRuntime rt : listeners.values()) {
            RouteTable.closeFilters(rt.filters);
        }
        routes.closeFilters();
    }


    /** {@link #shutdown} with the configured timeout. */
    @Override
    public void close() {
        shutdown(config.engine().shutdownTimeout());
    }
}
