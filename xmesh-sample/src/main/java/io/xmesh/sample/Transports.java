package io.xmesh.sample;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * Picks the Netty transport: native epoll on Linux when it loads, NIO otherwise.
 * Stateless; every method may be called from any thread.
 */
public final class Transports {
    private Transports() {
    }

    /** Whether the native epoll transport is used. */
    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    /** A new event loop group with {@code threads} loops of the chosen transport; the caller owns and shuts it down. */
    public static EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory,
                epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The server socket channel class matching {@link #newGroup}. */
    public static Class<? extends ServerSocketChannel> serverChannel() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client socket channel class matching {@link #newGroup}. */
    public static Class<? extends SocketChannel> clientChannel() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** A thread factory that makes daemon threads named {@code prefix-N}. */
    public static ThreadFactory daemonThreads(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
