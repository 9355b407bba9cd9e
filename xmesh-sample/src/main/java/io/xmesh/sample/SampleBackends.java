package io.xmesh.sample;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The sample backends together — a {@link SampleDubboServer} and a {@link SampleHttpServer} on one event loop group —
 * for embedding (the xmesh distribution's demo, tests, benchmarks):
 * <pre>{@code
 * try (SampleBackends b = SampleBackends.start(20880, 8080)) { ... b.dubboPort() ... }
 * }</pre>
 * Port 0 picks a free port; a negative port leaves that backend off. Binds 127.0.0.1 unless a host is given.
 * Thread-safe; {@link #close()} is idempotent and waits up to a few seconds for the event loops to stop.
 */
public final class SampleBackends implements AutoCloseable {
    private final EventLoopGroup group;
    private final SampleDubboServer dubbo;
    private final SampleHttpServer http;
    private boolean closed;

    private SampleBackends(EventLoopGroup group, SampleDubboServer dubbo, SampleHttpServer http) {
        this.group = group;
        this.dubbo = dubbo;
        this.http = http;
    }

    /** Starts both backends on 127.0.0.1 with one event loop per core (at most 2). */
    public static SampleBackends start(int dubboPort, int httpPort) {
        return start("127.0.0.1", dubboPort, httpPort, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Starts the backends on {@code host}; {@code threads} event loops serve both.
     *
     * @throws IllegalStateException if a port cannot be bound (the other backend is stopped again)
     */
    public static SampleBackends start(String host, int dubboPort, int httpPort, int threads) {
        EventLoopGroup group = Transports.newGroup(Math.max(1, threads), Transports.daemonThreads("xmesh-sample"));
        SampleDubboServer dubbo = null;
        SampleHttpServer http = null;
        try {
            if (dubboPort >= 0) {
                dubbo = SampleDubboServer.start(group, new InetSocketAddress(host, dubboPort));
            }
            if (httpPort >= 0) {
                http = SampleHttpServer.start(group, new InetSocketAddress(host, httpPort));
            }
            return new SampleBackends(group, dubbo, http);
        } catch (Exception e) {
            if (dubbo != null) {
                dubbo.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the sample backends on " + host + " (dubbo port "
                    + dubboPort + ", http port " + httpPort + "): " + e, e);
        }
    }

    /** The Dubbo port, or -1 when that backend is off. */
    public int dubboPort() {
        return dubbo == null ? -1 : dubbo.port();
    }

    /** The HTTP port, or -1 when that backend is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (dubbo != null) {
            dubbo.close();
        }
        if (http != null) {
            http.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
