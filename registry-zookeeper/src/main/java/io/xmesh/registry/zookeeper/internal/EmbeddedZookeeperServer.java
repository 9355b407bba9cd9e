package io.xmesh.registry.zookeeper.internal;

import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A real, standalone ZooKeeper server (3.9) running in this JVM: the same server code as
 * {@code zkServer.sh}, with NIO connections and no admin HTTP server, for a single machine where nothing
 * else is installed. Data (snapshots and transaction log) lives in a configured directory, or in a
 * temporary directory deleted on {@link #close()}.
 *
 * <p>The constructor only stores settings. {@link #start()} binds the port and starts ZooKeeper's own
 * threads; {@link #close()} stops them. Both may block briefly (file and socket work) and must not be
 * called on an event loop. Thread-safe.
 */
public final class EmbeddedZookeeperServer implements AutoCloseable {

    private final Logger log = LoggerFactory.getLogger(EmbeddedZookeeperServer.class);
    private final String bindHost;
    private final int port;
    private final Path configuredDataDir;
    private final int tickTime;

    private ServerCnxnFactory factory;
    private ZooKeeperServer server;
    private FileTxnSnapLog snapLog;
    private Path dataDir;
    private boolean deleteOnClose;
    private boolean closed;

    /**
     * @param bindHost  address to listen on (e.g. {@code 127.0.0.1})
     * @param port      port, 0 for any free port (see {@link #port()} after start)
     * @param dataDir   data directory, or null for a temporary one
     * @param tickTime  ZooKeeper tick in ms; session timeouts are bounded to [2, 20] ticks
     */
    public EmbeddedZookeeperServer(String bindHost, int port, Path dataDir, int tickTime) {
        this.bindHost = bindHost;
        this.port = port;
        this.configuredDataDir = dataDir;
        this.tickTime = tickTime;
    }

    /**
     * Starts the server; returns once it accepts connections.
     *
     * @throws UncheckedIOException if the data directory cannot be used or the port cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (closed || factory != null) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        try {
            deleteOnClose = configuredDataDir == null;
            dataDir = deleteOnClose ? Files.createTempDirectory("xmesh-zookeeper-") : configuredDataDir;
            Files.createDirectories(dataDir);
            snapLog = new FileTxnSnapLog(dataDir.resolve("log").toFile(), dataDir.resolve("snapshot").toFile());
            server = new ZooKeeperServer(snapLog, tickTime, 2 * tickTime, 20 * tickTime, -1, new ZKDatabase(snapLog), "");
            NIOServerCnxnFactory f = new NIOServerCnxnFactory();
            f.configure(new InetSocketAddress(bindHost, port), 1000, -1, false);
            factory = f;
            f.startup(server, true);
            log.info("embedded ZooKeeper listening on {}:{} (data in {})", bindHost, f.getLocalPort(), dataDir);
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("embedded ZooKeeper could not start on " + bindHost + ":" + port + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly();
            throw new IllegalStateException("interrupted while starting embedded ZooKeeper", e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /** The port the server listens on (the real one when configured with 0). */
    public synchronized int port() {
        if (factory == null) {
            throw new IllegalStateException("not started");
        }
        return factory.getLocalPort();
    }

    /** Whether the server is running. */
    public synchronized boolean isRunning() {
        return factory != null && server != null && server.isRunning();
    }

    /** Stops the server and, for a temporary data directory, deletes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly();
    }

    private void stopQuietly() {
        if (factory != null) {
            try {
                factory.shutdown();
            } catch (RuntimeException e) {
                log.debug("embedded ZooKeeper connection factory shutdown", e);
            }
            factory = null;
        }
        if (server != null) {
            try {
                server.shutdown();
            } catch (RuntimeException e) {
                log.debug("embedded ZooKeeper shutdown", e);
            }
            server = null;
        }
        if (snapLog != null) {
            try {
                snapLog.close();
            } catch (IOException e) {
                log.debug("embedded ZooKeeper log close", e);
            }
            snapLog = null;
        }
        if (deleteOnClose && dataDir != null) {
            deleteTree(dataDir);
            dataDir = null;
        }
    }

    private void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not delete embedded ZooKeeper data in {}: {}", root, e.toString());
        }
    }
}
