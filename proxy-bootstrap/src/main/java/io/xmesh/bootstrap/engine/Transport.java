package io.xmesh.bootstrap.engine;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: native epoll when available (Linux), Java NIO otherwise.
 *
 * @param name          {@code epoll} or {@code nio}
 * @param handler       I/O handler factory for event loop groups
 * @param serverChannel server socket channel class
 * @param channel       client socket channel class
 */
public record Transport(String name, IoHandlerFactory handler, Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> channel) {

    /**
     * @param preference {@code auto}, {@code epoll} or {@code nio}
     * @throws IllegalStateException when epoll is required but unavailable
     */
    public static Transport select(String preference) {
        boolean epoll = switch (preference) {
            case "nio" -> false;
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll transport requested but unavailable: " + Epoll.unavailabilityCause());
                }
                yield true;
            }
            default -> Epoll.isAvailable();
        };
        return epoll
                ? new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class)
                : new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** A group of {@code threads} event loops named {@code xmesh-<purpose>-N}. */
    public EventLoopGroup newGroup(int threads, String purpose) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("xmesh-" + purpose, true), handler);
    }
}
