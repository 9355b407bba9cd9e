package io.xmesh.bootstrap.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A byte relay in front of a real provider whose {@link #kill()} drops the listening socket and
 * every connection at once, as a crashed provider process would.
 */
final class KillableRelay implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ChannelGroup downs = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    KillableRelay(int targetPort) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel down) {
                        downs.add(down);
                        io.netty.channel.ChannelFuture cf = new Bootstrap().group(down.eventLoop()).channel(NioSocketChannel.class)
                                .handler(new Pipe(down)).connect("127.0.0.1", targetPort);
                        Channel up = cf.channel();
                        all.add(up);
                        down.pipeline().addLast(new Pipe(up));
                        up.closeFuture().addListener(f -> down.close());
                        cf.addListener(f -> {
                            if (f.isSuccess()) {
                                down.config().setAutoRead(true);
                            } else {
                                down.close();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /**
     * Drops the listening socket and the connections from xmesh at once. The connections to the
     * provider stay until {@link #close()}, so the real provider's late answers are discarded by
     * this relay (closing them under the provider would make Dubbo leak its response buffers).
     */
    void kill() {
        server.close().awaitUninterruptibly();
        downs.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        kill();
        all.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private static final class Pipe extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Pipe(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            peer.writeAndFlush(msg);
        }
    }
}
