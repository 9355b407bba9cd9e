package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.DubboLayout;
import io.xmesh.registry.zookeeper.internal.DubboUrl;
import io.xmesh.registry.zookeeper.internal.EmbeddedZookeeperServer;
import io.xmesh.registry.zookeeper.internal.RegistryConfig;
import io.xmesh.xprotocol.registry.InstanceListener;
import io.xmesh.xprotocol.registry.Registry;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Registry} on ZooKeeper (Apache Curator) in the layout Apache Dubbo uses, so that xmesh and
 * real Dubbo applications share one registry. See {@link DubboLayout} for the tree and {@link DubboUrl} for the
 * node names.
 *
 * <h2>What it writes and reads</h2>
 * <ul>
 *   <li>{@link #publish}: an ephemeral node {@code /dubbo/<interface>/providers/<URL-encoded provider URL>}
 *       ({@link DubboLayout#providerUrl}) and the persistent folders {@code providers}, {@code consumers},
 *       {@code configurators}, {@code routers} under the interface, as Dubbo does.</li>
 *   <li>{@link #subscribe}: a {@link CuratorCache} on {@code /dubbo/<interface>/providers} (one per interface,
 *       shared by all subscriptions to it); every child's name is decoded and filtered by
 *       {@link DubboLayout#matches}; the listener receives the full matching set, de-duplicated by address
 *       (the newest {@code timestamp} wins), sorted by address. While subscribed, an ephemeral
 *       {@code consumer://} node is kept under {@code /consumers}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * All public methods are thread-safe and never wait for the network, except {@link #start()} of an embedded
 * server (binds a port) and {@link #close()} (bounded by {@code closeTimeout}). ZooKeeper writes run on one
 * private <em>worker</em> thread, in order. Listeners are called on one private <em>notify</em> thread, so calls
 * are serialised per subscription (and across subscriptions of this registry) and never run on a Netty event
 * loop or a ZooKeeper/Curator thread. Changes arriving within {@code notifyDelay} ms are delivered as one set.
 * A listener is never called after its subscription's {@code close()} has returned (unless {@code close()} was
 * called from inside a listener).
 *
 * <h2>Resilience</h2>
 * <ul>
 *   <li>While the connection is SUSPENDED or LOST, nothing is delivered: subscriptions keep their last set.</li>
 *   <li>On every CONNECTED/RECONNECTED (including a new session after expiry) the worker re-creates every published
 *       node and every consumer node that is missing or belongs to an older session. Until that pass is done,
 *       and for at most one more second until the cache sees our own re-created nodes again, deliveries are held
 *       back, so a subscriber never sees this registry's own instances flap away because of a disconnect.</li>
 *   <li>Watches: {@link CuratorCache} uses a persistent recursive watch, re-added on reconnect, after which it
 *       re-reads the folder (verified by the tests: ZooKeeper restart, session expiry, ensemble member loss).</li>
 *   <li>{@link #publish} completes when the node is written; while ZooKeeper is unreachable the stage stays
 *       pending and completes after the reconnect writes it. It fails only on an error that a reconnect would not
 *       fix (e.g. no permission), or with {@link CancellationException} when replaced or unpublished first.</li>
 * </ul>
 */
public final class ZookeeperRegistry implements Registry {

    private static final long MAX_POSTPONE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private enum Lifecycle { NEW, STARTED, CLOSED }

    private final Logger log = LoggerFactory.getLogger(ZookeeperRegistry.class);
    private final RegistryConfig config;
    private final Object lock = new Object();

    // guarded by lock
    private Lifecycle lifecycle = Lifecycle.NEW;
    private final Map<String, Publication> publications = new LinkedHashMap<>();
    private final Map<String, Watch> watches = new HashMap<>();
    private final Map<SubscriptionId, SubscriptionImpl> subscriptions = new LinkedHashMap<>();
    private long lastTimestamp;
    private String localHost;
    private EmbeddedZookeeperServer server;

    // written once in start() under lock, then only read
    private volatile CuratorFramework client;
    private volatile ExecutorService worker;
    private volatile ScheduledExecutorService notifier;
    private volatile Thread notifierThread;
    private volatile String connectString;

    // connection state, written on Curator's connection-state thread
    private volatile boolean connected;
    private volatile boolean resyncing;
    private final AtomicLong connectGeneration = new AtomicLong();

    // only touched on the worker thread
    private final Set<String> preparedServices = new HashSet<>();

    ZookeeperRegistry(RegistryConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.connectString = config.connectString();
    }

    /** The ZooKeeper connect string in use; for an embedded server started on port 0, its real port. */
    public String connectString() {
        return connectString;
    }

    /** Whether the ZooKeeper connection is currently up. */
    public boolean isConnected() {
        return connected;
    }

    /** The root node, e.g. {@code /dubbo}. */
    public String root() {
        return config.root();
    }

    /** For tests in this package: the Curator client (null before start). */
    CuratorFramework curator() {
        return client;
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (lifecycle == Lifecycle.STARTED) {
                return;
            }
            if (lifecycle == Lifecycle.CLOSED) {
                throw new IllegalStateException("registry closed");
            }
            String cs = config.connectString();
            if (config.embedded()) {
                EmbeddedZookeeperServer s = new EmbeddedZookeeperServer(config.bindHost(), config.embeddedPort(),
                        config.dataDir(), config.tickTime());
                s.start();
                server = s;
                cs = config.connectStringFor(s.port());
            }
            connectString = cs;
            localHost = detectLocalHost();
            worker = Executors.newSingleThreadExecutor(threads("xmesh-zk-worker"));
            ScheduledExecutorService n = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = threads("xmesh-zk-notify").newThread(r);
                notifierThread = t;
                return t;
            });
            notifier = n;
            CuratorFramework c = CuratorFrameworkFactory.builder()
                    .connectString(cs)
                    .sessionTimeoutMs(config.sessionTimeoutMs())
                    .connectionTimeoutMs(config.connectionTimeoutMs())
                    .retryPolicy(new RetryNTimes(2, 200))
                    .ensembleTracker(false)
                    .threadFactory(threads("xmesh-zk-curator"))
                    .build();
            c.getConnectionStateListenable().addListener(this::onConnectionState);
            client = c;
            c.start();
            if (config.repairIntervalMs() > 0) {
                n.scheduleWithFixedDelay(() -> {
                    if (connected && !resyncing) {
                        submit(this::repair);
                    }
                }, config.repairIntervalMs(), config.repairIntervalMs(), TimeUnit.MILLISECONDS);
            }
            for (Watch w : watches.values()) {
                startCache(w);
            }
            lifecycle = Lifecycle.STARTED;
            log.info("registry {} started ({}{})", cs, config.root(), config.embedded() ? ", embedded server" : "");
        }
    }

    @Override
    public CompletionStage<Void> publish(ServiceInstance instance) {
        Objects.requireNonNull(instance, "instance");
        String id = identity(instance);
        synchronized (lock) {
            checkOpen();
            Publication current = publications.get(id);
            if (current != null && current.instance.equals(instance)) {
                return current.node.written.minimalCompletionStage();
            }
            DubboUrl url = DubboLayout.providerUrl(instance, config, nextTimestamp());
            String path = DubboLayout.categoryPath(config.root(), instance.key().service(), "providers") + "/" + url.encoded();
            EphemeralNode node = new EphemeralNode(instance.key().service(), path);
            Publication pub = new Publication(instance, node, url);
            publications.put(id, pub);
            if (current != null) {
                current.node.removed = true;
                current.node.written.completeExceptionally(new CancellationException("replaced by a newer publication of " + id));
            }
            if (lifecycle == Lifecycle.STARTED) {
                submit(() -> {
                    ensure(node);
                    if (current != null) {
                        remove(current.node);
                    }
                });
            }
            return node.written.minimalCompletionStage();
        }
    }

    @Override
    public CompletionStage<Void> unpublish(ServiceInstance instance) {
        Objects.requireNonNull(instance, "instance");
        synchronized (lock) {
            Publication pub = publications.remove(identity(instance));
            if (pub == null) {
                return CompletableFuture.completedStage(null);
            }
            pub.node.removed = true;
            pub.node.written.completeExceptionally(new CancellationException("unpublished"));
            if (lifecycle != Lifecycle.STARTED) {
                return CompletableFuture.completedStage(null);
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (!submit(() -> {
                try {
                    remove(pub.node);
                } finally {
                    done.complete(null);
                }
            })) {
                done.complete(null);
            }
            return done.minimalCompletionStage();
        }
    }

    /** The URLs this registry currently publishes (for listings and diagnostics), in publication order. */
    public List<String> publishedUrls() {
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            for (Publication p : publications.values()) {
                out.add(p.url.toFullString());
            }
            return out;
        }
    }

    @Override
    public Subscription subscribe(ServiceKey key, Map<String, String> consumer, InstanceListener listener) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        Map<String, String> consumerParams = consumer == null ? Map.of() : Map.copyOf(consumer);
        SubscriptionId sid = new SubscriptionId(key, listener);
        synchronized (lock) {
            checkOpen();
            SubscriptionImpl existing = subscriptions.get(sid);
            if (existing != null) {
                return existing;
            }
            Watch w = watches.computeIfAbsent(key.service(),
                    s -> new Watch(s, DubboLayout.categoryPath(config.root(), s, "providers")));
            DubboUrl url = DubboLayout.consumerUrl(key, consumerParams.getOrDefault("host",
                    localHost != null ? localHost : detectLocalHost()), consumerParams, config, nextTimestamp());
            EphemeralNode node = new EphemeralNode(key.service(),
                    DubboLayout.categoryPath(config.root(), key.service(), "consumers") + "/" + url.encoded());
            SubscriptionImpl sub = new SubscriptionImpl(sid, w, node);
            w.subs.add(sub);
            subscriptions.put(sid, sub);
            if (lifecycle == Lifecycle.STARTED) {
                if (w.cache == null) {
                    startCache(w);
                } else if (w.initialized) {
                    scheduleDelivery(w, 0);
                }
                submit(() -> ensure(node));
            }
            return sub;
        }
    }

    @Override
    public void close() {
        List<Watch> ws;
        synchronized (lock) {
            if (lifecycle == Lifecycle.CLOSED) {
                return;
            }
            Lifecycle previous = lifecycle;
            lifecycle = Lifecycle.CLOSED;
            ws = new ArrayList<>(watches.values());
            for (Publication p : publications.values()) {
                p.node.removed = true;
                p.node.written.completeExceptionally(new CancellationException("registry closed"));
            }
            for (SubscriptionImpl s : subscriptions.values()) {
                s.closed = true;
                s.node.removed = true;
            }
            publications.clear();
            subscriptions.clear();
            watches.clear();
            for (Watch w : ws) {
                w.closed = true;
            }
            if (previous == Lifecycle.NEW) {
                return;
            }
        }
        for (Watch w : ws) {
            if (w.cache != null) {
                w.cache.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.closeTimeoutMs());
        shutdown(worker, deadline);
        shutdown(notifier, deadline);
        // Closing the session removes every ephemeral node this registry created, at once, on the server.
        client.close();
        connected = false;
        if (server != null) {
            server.close();
        }
        log.info("registry {} closed", connectString);
    }

    // ------------------------------------------------------------------ connection state

    private void onConnectionState(CuratorFramework c, ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                connected = true;
                resyncing = true;
                long generation = connectGeneration.incrementAndGet();
                log.info("registry {}: {}", connectString, state);
                submit(() -> reconcile(generation));
            }
            case SUSPENDED, LOST, READ_ONLY -> {
                connected = false;
                log.warn("registry {}: {}; subscriptions keep their last known instances", connectString, state);
            }
            default -> { }
        }
    }

    /** Worker thread: after a (re)connect, write back everything that should exist. */
    private void reconcile(long generation) {
        List<EphemeralNode> nodes = new ArrayList<>();
        synchronized (lock) {
            if (lifecycle != Lifecycle.STARTED) {
                return;
            }
            publications.values().forEach(p -> nodes.add(p.node));
            subscriptions.values().forEach(s -> nodes.add(s.node));
        }
        preparedServices.clear();
        for (EphemeralNode n : nodes) {
            ensure(n);
        }
        if (connectGeneration.get() == generation && connected) {
            resyncing = false;
        }
        List<Watch> ws;
        synchronized (lock) {
            ws = new ArrayList<>(watches.values());
        }
        for (Watch w : ws) {
            scheduleDelivery(w, 0);
        }
    }

    /** Worker thread, periodically: re-creates any node this registry keeps that has gone missing. */
    private void repair() {
        List<EphemeralNode> nodes = new ArrayList<>();
        synchronized (lock) {
            if (lifecycle != Lifecycle.STARTED) {
                return;
            }
            publications.values().forEach(p -> nodes.add(p.node));
            subscriptions.values().forEach(s -> nodes.add(s.node));
        }
        for (EphemeralNode n : nodes) {
            ensure(n);
        }
    }

    // ------------------------------------------------------------------ writes (worker thread)

    /** Worker thread: makes sure {@code node} exists and belongs to the current session. */
    private void ensure(EphemeralNode node) {
        if (node.removed || !connected) {
            return; // the next (re)connect writes it
        }
        try {
            prepare(node.service);
            for (int attempt = 0; attempt < 3; attempt++) {
                if (node.removed) {
                    return;
                }
                long session = client.getZookeeperClient().getZooKeeper().getSessionId();
                Stat stat = client.checkExists().forPath(node.path);
                if (stat != null && stat.getEphemeralOwner() == session) {
                    node.markWritten();
                    return;
                }
                if (stat != null) {
                    // Left by an older session (ours before it expired, or a crashed process): replace it.
                    try {
                        client.delete().withVersion(stat.getVersion()).forPath(node.path);
                    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                        // someone else changed it; look again
                    }
                    continue;
                }
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(node.path);
                    node.markWritten();
                    log.debug("registered {}", node.path);
                    return;
                } catch (KeeperException.NodeExistsException e) {
                    // raced with someone; look again
                }
            }
            throw new IllegalStateException("could not write " + node.path + ": it keeps changing");
        } catch (Exception e) {
            if (isConnectionProblem(e)) {
                log.debug("registry {}: {} will be written after reconnect ({})", connectString, node.path, e.toString());
                return;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            log.warn("registry {}: could not write {}: {}", connectString, node.path, e.toString());
            node.written.completeExceptionally(e);
        }
    }

    /** Worker thread: creates the persistent folders Dubbo keeps under an interface (once per connection). */
    private void prepare(String service) throws Exception {
        if (preparedServices.contains(service)) {
            return;
        }
        for (String category : DubboLayout.CATEGORIES) {
            String path = DubboLayout.categoryPath(config.root(), service, category);
            if (client.checkExists().forPath(path) == null) {
                try {
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
                } catch (KeeperException.NodeExistsException ignored) {
                    // created concurrently
                }
            }
        }
        preparedServices.add(service);
    }

    /** Worker thread: deletes a node; if the connection is down, Curator retries it after reconnect. */
    private void remove(EphemeralNode node) {
        try {
            client.delete().guaranteed().forPath(node.path);
            log.debug("unregistered {}", node.path);
        } catch (KeeperException.NoNodeException ignored) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (isConnectionProblem(e)) {
                log.debug("registry {}: delete of {} deferred until reconnect", connectString, node.path);
            } else {
                log.warn("registry {}: could not delete {}: {}", connectString, node.path, e.toString());
            }
        }
    }

    private static boolean isConnectionProblem(Exception e) {
        if (e instanceof KeeperException ke) {
            return switch (ke.code()) {
                case CONNECTIONLOSS, SESSIONEXPIRED, SESSIONMOVED, OPERATIONTIMEOUT -> true;
                default -> false;
            };
        }
        return e instanceof org.apache.curator.CuratorConnectionLossException
                || e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("instance must be started");
    }

    // ------------------------------------------------------------------ reads and deliveries

    private void startCache(Watch w) {
        CuratorCache cache = CuratorCache.builder(client, w.providersPath)
                .withExceptionHandler(e -> log.debug("registry {}: watch on {}: {}", connectString, w.providersPath, e.toString()))
                .build();
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> {
                    if (log.isTraceEnabled()) {
                        log.trace("registry {}: {} {}", connectString, type, data != null ? data.getPath() : oldData.getPath());
                    }
                    scheduleDelivery(w, config.notifyDelayMs());
                })
                .forInitialized(() -> {
                    w.initialized = true;
                    scheduleDelivery(w, 0);
                })
                .build());
        w.cache = cache;
        cache.start();
    }

    private void scheduleDelivery(Watch w, long delayMs) {
        ScheduledExecutorService n = notifier;
        if (w.closed || n == null) {
            return;
        }
        if (w.deliveryScheduled.compareAndSet(false, true)) {
            try {
                n.schedule(() -> {
                    w.deliveryScheduled.set(false);
                    deliver(w);
                }, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                w.deliveryScheduled.set(false);
            }
        }
    }

    /** Notify thread: computes the current set from the cache and tells every subscription that changed. */
    private void deliver(Watch w) {
        if (w.closed || !w.initialized || !connected || resyncing) {
            return; // the end of the next reconcile schedules another delivery
        }
        String prefix = w.providersPath + "/";
        Set<String> names = new HashSet<>();
        List<DubboUrl> urls = new ArrayList<>();
        w.cache.stream().map(ChildData::getPath).forEach(path -> {
            if (!path.startsWith(prefix) || path.indexOf('/', prefix.length()) >= 0) {
                return;
            }
            String name = path.substring(prefix.length());
            names.add(name);
            try {
                urls.add(DubboUrl.decode(name));
            } catch (IllegalArgumentException e) {
                if (w.badNames.add(name) && w.badNames.size() < 1000) {
                    log.warn("registry {}: ignoring unreadable provider node {}{}: {}", connectString, prefix, name, e.getMessage());
                }
            }
        });
        List<SubscriptionImpl> subs;
        boolean ownMissing = false;
        synchronized (lock) {
            for (Publication p : publications.values()) {
                if (p.node.service.equals(w.service) && p.node.everWritten && !p.node.removed
                        && !names.contains(p.node.name())) {
                    ownMissing = true;
                    break;
                }
            }
            subs = new ArrayList<>(w.subs);
        }
        long now = System.nanoTime();
        if (ownMissing) {
            if (w.postponedSince == 0) {
                w.postponedSince = now;
            }
            if (now - w.postponedSince < MAX_POSTPONE_NANOS) {
                scheduleDelivery(w, Math.max(20, config.notifyDelayMs()));
                return;
            }
        }
        w.postponedSince = 0;
        for (SubscriptionImpl s : subs) {
            s.deliver(urls);
        }
    }

    // ------------------------------------------------------------------ helpers

    private boolean submit(Runnable task) {
        ExecutorService w = worker;
        if (w == null) {
            return false;
        }
        try {
            w.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void checkOpen() {
        if (lifecycle == Lifecycle.CLOSED) {
            throw new IllegalStateException("registry closed");
        }
    }

    /** Unique, increasing timestamps, so that two URLs written by this registry never share a node name. */
    private long nextTimestamp() {
        long now = System.currentTimeMillis();
        lastTimestamp = Math.max(now, lastTimestamp + 1);
        return lastTimestamp;
    }

    private static String identity(ServiceInstance i) {
        return i.key() + "@" + i.address();
    }

    private void awaitNotifier() {
        ScheduledExecutorService n = notifier;
        if (n == null || Thread.currentThread() == notifierThread) {
            return;
        }
        try {
            n.submit(() -> { }).get(config.closeTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            log.debug("registry {}: listener still busy after close", connectString);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown(ExecutorService executor, long deadlineNanos) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            long left = deadlineNanos - System.nanoTime();
            if (Thread.currentThread() != notifierThread
                    && !executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A non-loopback IPv4 address of this host (no DNS lookup), else 127.0.0.1. */
    private static String detectLocalHost() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback() || ni.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException | RuntimeException ignored) {
            // fall through
        }
        return "127.0.0.1";
    }

    // ------------------------------------------------------------------ state records

    /** An ephemeral node this registry keeps alive: a provider or a consumer record. */
    private static final class EphemeralNode {
        final String service;
        final String path;
        final CompletableFuture<Void> written = new CompletableFuture<>();
        volatile boolean removed;
        volatile boolean everWritten;

        EphemeralNode(String service, String path) {
            this.service = service;
            this.path = path;
        }

        String name() {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        void markWritten() {
            everWritten = true;
            written.complete(null);
        }
    }

    private record Publication(ServiceInstance instance, EphemeralNode node, DubboUrl url) {
    }

    /** One CuratorCache on {@code <root>/<interface>/providers}, shared by the subscriptions to that interface. */
    private static final class Watch {
        final String service;
        final String providersPath;
        final List<SubscriptionImpl> subs = new ArrayList<>(); // guarded by registry lock
        final AtomicBoolean deliveryScheduled = new AtomicBoolean();
        final Set<String> badNames = Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());
        volatile CuratorCache cache;
        volatile boolean initialized;
        volatile boolean closed;
        long postponedSince; // notify thread only

        Watch(String service, String providersPath) {
            this.service = service;
            this.providersPath = providersPath;
        }
    }

    /** Identity of a subscription: the key and the listener object (by identity). */
    private static final class SubscriptionId {
        final ServiceKey key;
        final InstanceListener listener;

        SubscriptionId(ServiceKey key, InstanceListener listener) {
            this.key = key;
            this.listener = listener;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SubscriptionId other && other.key.equals(key) && other.listener == listener;
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + System.identityHashCode(listener);
        }
    }

    private final class SubscriptionImpl implements Subscription {
        final SubscriptionId id;
        final Watch watch;
        final EphemeralNode node;
        volatile boolean closed;
        List<ServiceInstance> last; // notify thread only

        SubscriptionImpl(SubscriptionId id, Watch watch, EphemeralNode node) {
            this.id = id;
            this.watch = watch;
            this.node = node;
        }

        /** Notify thread. */
        void deliver(List<DubboUrl> urls) {
            if (closed) {
                return;
            }
            Map<String, ServiceInstance> byAddress = new TreeMap<>();
            Map<String, Long> stamps = new HashMap<>();
            for (DubboUrl url : urls) {
                if (!DubboLayout.matches(id.key, url)) {
                    continue;
                }
                ServiceInstance instance;
                try {
                    instance = DubboLayout.toInstance(url);
                } catch (IllegalArgumentException e) {
                    continue; // no port
                }
                long ts = DubboLayout.timestamp(url);
                Long seen = stamps.get(instance.address());
                if (seen == null || ts > seen) {
                    stamps.put(instance.address(), ts);
                    byAddress.put(instance.address(), instance);
                }
            }
            List<ServiceInstance> now = List.copyOf(byAddress.values());
            if (now.equals(last)) {
                return;
            }
            last = now;
            try {
                id.listener.onInstances(now);
            } catch (RuntimeException e) {
                log.warn("registry {}: listener for {} failed", connectString, id.key, e);
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                node.removed = true;
                subscriptions.remove(id);
                watch.subs.remove(this);
                if (watch.subs.isEmpty()) {
                    watches.remove(watch.service);
                    watch.closed = true;
                    if (watch.cache != null) {
                        watch.cache.close();
                    }
                }
                if (lifecycle == Lifecycle.STARTED) {
                    submit(() -> remove(node));
                }
            }
            awaitNotifier();
        }

        @Override
        public String toString() {
            return "subscription " + id.key;
        }
    }
}
