package io.xmesh.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.xmesh.sample.Transports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N idle TCP connections to a 127.0.0.1 port and holds them, for measuring a proxy's memory per idle
 * downstream connection:
 * <pre>
 * java -cp benchmarks.jar io.xmesh.benchmarks.load.IdleConnections --target 127.0.0.1:PORT --count 10000 --hold 30
 *      [--dubbo-heartbeat]
 * </pre>
 * With {@code --dubbo-heartbeat} every connection sends one Dubbo heartbeat after connecting (and reads the answer), so
 * that a proxy sees an established Dubbo connection (protocol detected, upstream side set up) rather than a socket
 * that never spoke.
 * Prints {@code OPEN ok=N failed=M} once all attempts finished, then {@code CLOSED after=S alive=K} when the hold time
 * is over or stdin reaches end of file (whichever first), closing everything. Needs {@code ulimit -n} above N.
 */
public final class IdleConnections {
    static final int MAX_COUNT = 50_000;

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        String target = null;
        int count = 10_000;
        int holdS = 30;
        boolean heartbeat = false;
        for (int i = 0; i < args.length; i += 2) {
            if ("--dubbo-heartbeat".equals(args[i])) {
                heartbeat = true;
                i--;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + args[i]);
            }
            switch (args[i]) {
                case "--target" -> target = args[i + 1];
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                case "--hold" -> holdS = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (target == null || count < 1 || count > MAX_COUNT || holdS < 0 || holdS > 600) {
            System.err.println("usage: IdleConnections --target 127.0.0.1:PORT [--count 10000 (max " + MAX_COUNT
                    + ")] [--hold 30 (max 600 s)]");
            System.exit(2);
        }
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        DubboLoad.requireLoopback(host);

        EventLoopGroup group = Transports.newGroup(1, Transports.daemonThreads("idle-conns"));
        AtomicInteger alive = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        boolean sendHeartbeat = heartbeat;
        try {
            Bootstrap b = new Bootstrap().group(group).channel(Transports.clientChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public boolean isSharable() {
                            return true;
                        }

                        @Override
                        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                            alive.incrementAndGet();
                            if (sendHeartbeat) {
                                io.netty.buffer.ByteBuf hb = ctx.alloc().buffer(17);
                                io.xmesh.sample.DubboWire.writeHeader(hb, io.xmesh.sample.DubboWire.FLAG_REQUEST
                                        | io.xmesh.sample.DubboWire.FLAG_TWO_WAY | io.xmesh.sample.DubboWire.FLAG_EVENT
                                        | io.xmesh.sample.DubboWire.HESSIAN2, 0, ctx.channel().hashCode(), 1);
                                hb.writeByte('N');
                                ctx.writeAndFlush(hb, ctx.voidPromise());
                            }
                        }

                        @Override
                        public void channelInactive(io.netty.channel.ChannelHandlerContext ctx) {
                            alive.decrementAndGet();
                        }

                        @Override
                        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                            answered.incrementAndGet();
                            io.netty.util.ReferenceCountUtil.release(msg);
                        }
                    });
            List<Channel> channels = new ArrayList<>(count);
            int failed = 0;
            List<ChannelFuture> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                batch.add(b.connect(host, port));
                if (batch.size() == 200 || i == count - 1) {
                    for (ChannelFuture f : batch) {
                        if (f.await(10_000) && f.isSuccess()) {
                            channels.add(f.channel());
                        } else {
                            failed++;
                        }
                    }
                    batch.clear();
                }
            }
            if (heartbeat) {
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (answered.get() < channels.size() && System.nanoTime() < wait) {
                    Thread.sleep(20);
                }
            }
            System.out.println("OPEN ok=" + channels.size() + " failed=" + failed
                    + (heartbeat ? " heartbeat-answers=" + answered.get() : ""));
            System.out.flush();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(holdS);
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // wait for EOF
                    }
                } catch (java.io.IOException ignored) {
                    // treat as EOF
                }
            }, "stdin-eof");
            stdin.setDaemon(true);
            stdin.start();
            while (System.nanoTime() < end && stdin.isAlive()) {
                Thread.sleep(50);
            }
            System.out.println("CLOSED alive=" + alive.get() + " (of " + channels.size() + ")");
            for (Channel ch : channels) {
                ch.close();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
