package io.xmesh.benchmarks.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.xmesh.sample.DubboWire;
import io.xmesh.sample.GreetingService;
import io.xmesh.sample.Transports;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A Dubbo load generator on plain Netty (not the Dubbo SDK, so that the client stays cheap): {@code connections}
 * connections, each with up to {@code inflight} pipelined {@code greet(String)} requests.
 *
 * <ul>
 *   <li><b>closed loop</b> (default): each connection keeps {@code inflight} requests outstanding; a response triggers
 *       the next request. Latency = response time - send time.</li>
 *   <li><b>open loop</b> ({@code --rate R}): requests are due at fixed intervals (R per second over all connections),
 *       whatever the server does; latency is measured from the time a request was <i>due</i>, so a stalled server
 *       is charged for every request it delayed (corrected for coordinated omission). A connection still sends at most
 *       {@code inflight} at a time; due requests beyond that wait (and their wait counts).</li>
 * </ul>
 * Every response is checked: known id, status 20, and body {@code "Hello, " + the request's argument} (which encodes
 * the id). Bounded: at most {@code --requests} requests and {@code --duration} seconds (600 max), 127.0.0.1 only.
 *
 * <pre>
 * java -cp benchmarks.jar io.xmesh.benchmarks.load.DubboLoad --target 127.0.0.1:20880 \
 *      [--connections 4] [--inflight 8] [--rate 0] [--duration 10] [--warmup 2] [--requests 0] [--payload 0]
 *      [--threads 1] [--timeout-ms 5000] [--label NAME] [--service io.xmesh.sample.GreetingService]
 * </pre>
 * Prints a summary and one machine-readable {@code RESULT key=value ...} line. Exit code 0 when there were no errors.
 */
public final class DubboLoad {
    static final int MAX_CONNECTIONS = 20_000;
    static final int MAX_INFLIGHT = 4096;
    static final int MAX_DURATION_S = 600;

    private DubboLoad() {
    }

    /** Command-line options; see the class comment. */
    public record Options(String host, int port, int connections, int inflight, long rate, double durationS,
                          double warmupS, long maxRequests, int payload, int threads, int timeoutMs, String label,
                          String service) {
        public Options {
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException("--connections must be 1.." + MAX_CONNECTIONS);
            }
            if (inflight < 1 || inflight > MAX_INFLIGHT) {
                throw new IllegalArgumentException("--inflight must be 1.." + MAX_INFLIGHT);
            }
            if (rate < 0 || rate > 10_000_000) {
                throw new IllegalArgumentException("--rate must be 0 (closed loop) .. 10000000");
            }
            if (!(durationS > 0) || durationS > MAX_DURATION_S || warmupS < 0 || warmupS >= durationS) {
                throw new IllegalArgumentException("--duration must be in (0, " + MAX_DURATION_S
                        + "] seconds and --warmup in [0, duration)");
            }
            if (maxRequests < 0) {
                throw new IllegalArgumentException("--requests must be >= 0 (0 = no count limit)");
            }
            if (threads < 1 || threads > 16) {
                throw new IllegalArgumentException("--threads must be 1..16");
            }
            if (timeoutMs < 1 || timeoutMs > 60_000) {
                throw new IllegalArgumentException("--timeout-ms must be 1..60000");
            }
            requireLoopback(host);
        }

        public static Options parse(String[] args) {
            String target = null;
            int connections = 4;
            int inflight = 8;
            long rate = 0;
            double duration = 10;
            double warmup = 2;
            long requests = 0;
            int payload = 0;
            int threads = 1;
            int timeoutMs = 5000;
            String label = null;
            String service = GreetingService.NAME;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if ("--help".equals(a) || "-h".equals(a)) {
                    throw new IllegalArgumentException("usage");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--target" -> target = v;
                    case "--connections", "-c" -> connections = Integer.parseInt(v);
                    case "--inflight", "-m" -> inflight = Integer.parseInt(v);
                    case "--rate" -> rate = Long.parseLong(v);
                    case "--duration", "-d" -> duration = Double.parseDouble(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--requests", "-n" -> requests = Long.parseLong(v);
                    case "--payload" -> payload = Integer.parseInt(v);
                    case "--threads", "-t" -> threads = Integer.parseInt(v);
                    case "--timeout-ms" -> timeoutMs = Integer.parseInt(v);
                    case "--label" -> label = v;
                    case "--service" -> service = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("--target 127.0.0.1:PORT is required");
            }
            int colon = target.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--target must be HOST:PORT");
            }
            String host = target.substring(0, colon);
            int port = Integer.parseInt(target.substring(colon + 1));
            return new Options(host, port, connections, inflight, rate, duration, warmup, requests, payload, threads,
                    timeoutMs, label == null ? target : label, service);
        }
    }

    /** Only loopback targets: this tool must never load someone else's machine. */
    static void requireLoopback(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!a.isLoopbackAddress() || !(host.equals("127.0.0.1") || host.equals("localhost"))) {
                throw new IllegalArgumentException("only 127.0.0.1 targets are allowed, got " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }

    /** The outcome of a run. */
    public record Result(Options options, long completed, long measured, double measuredSeconds, long statusErrors,
                         long mismatches, long unknownIds, long lost, long connectFailures, Histogram latencyNanos,
                         long maxBacklog) {
        public long errors() {
            return statusErrors + mismatches + unknownIds + lost + connectFailures;
        }

        public double requestsPerSecond() {
            return measuredSeconds > 0 ? measured / measuredSeconds : 0;
        }

        private double us(double percentile) {
            return latencyNanos.getTotalCount() == 0 ? Double.NaN
                    : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
        }

        public String summary() {
            Options o = options;
            return String.format(Locale.ROOT,
                    "DubboLoad %s -> %s:%d, %s, %d connections x %d in flight, %.1f s (warmup %.1f s)%n"
                            + "  throughput: %.0f req/s (%d measured in %.2f s; %d completed in total)%n"
                            + "  latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f%n"
                            + "  errors: %d (status %d, body mismatch %d, unknown id %d, lost/timeout %d, connect %d)%s%n"
                            + "RESULT label=%s rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%d"
                            + " completed=%d measured=%d",
                    o.label, o.host, o.port, o.rate > 0 ? "open loop at " + o.rate + " req/s" : "closed loop",
                    o.connections, o.inflight, o.durationS, o.warmupS,
                    requestsPerSecond(), measured, measuredSeconds, completed,
                    us(50), us(90), us(99), us(99.9), latencyNanos.getMaxValue() / 1000.0,
                    latencyNanos.getTotalCount() == 0 ? Double.NaN : latencyNanos.getMean() / 1000.0,
                    errors(), statusErrors, mismatches, unknownIds, lost, connectFailures,
                    o.rate > 0 ? String.format(Locale.ROOT, "%n  max backlog of due-but-unsent requests on a connection: %d",
                            maxBacklog) : "",
                    o.label.replace(' ', '_'), requestsPerSecond(), us(50), us(99), us(99.9),
                    latencyNanos.getMaxValue() / 1000.0, errors(), completed, measured);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("DubboLoad: " + e.getMessage());
            System.err.println("usage: DubboLoad --target 127.0.0.1:PORT [--connections 4] [--inflight 8] [--rate 0]"
                    + " [--duration 10] [--warmup 2] [--requests 0] [--payload 0] [--threads 1] [--timeout-ms 5000]"
                    + " [--label NAME] [--service NAME]");
            System.exit(2);
            return;
        }
        Result r = run(o);
        System.out.println(r.summary());
        System.exit(r.errors() == 0 && r.completed() > 0 ? 0 : 1);
    }

    /** Per event loop: statistics written only by that loop's thread, read after the loop has quiesced. */
    static final class LoopStats {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long completed;
        long measured;
        long statusErrors;
        long mismatches;
        long unknownIds;
        long lost;
        long maxBacklog;
    }

    /** Shared, immutable run parameters plus the stop flag. */
    static final class Plan {
        final Options o;
        final GreetWire wire;
        final long startNanos;
        final long measureFromNanos;
        final long endNanos;
        final long perConnectionQuota;
        final long intervalNanos;
        /** Counted down by each connection that has sent its whole request quota and got every answer. */
        final java.util.concurrent.CountDownLatch quotaDone;
        volatile boolean stopped;

        Plan(Options o, long startNanos) {
            this.o = o;
            this.wire = new GreetWire(o.service, o.payload, o.timeoutMs);
            this.startNanos = startNanos;
            this.measureFromNanos = startNanos + (long) (o.warmupS * 1e9);
            this.endNanos = startNanos + (long) (o.durationS * 1e9);
            this.perConnectionQuota = o.maxRequests == 0 ? Long.MAX_VALUE
                    : Math.max(1, (o.maxRequests + o.connections - 1) / o.connections);
            this.intervalNanos = o.rate == 0 ? 0 : Math.max(1, (long) (1e9 * o.connections / o.rate));
            this.quotaDone = new java.util.concurrent.CountDownLatch(o.connections);
        }
    }

    /**
     * One connection: sends requests and checks answers, on its event loop only. Pending requests live in a ring
     * indexed by id (ids are consecutive per connection and at most {@code inflight} are outstanding).
     */
    static final class Conn extends ByteToMessageDecoder {
        private final LoopStats stats;
        private final int index;
        private final long idBase;
        private final long[] ringId;
        private final long[] ringStart;
        private final int mask;
        private Plan plan;
        private long seq;
        private int inflight;
        private long nextDue;
        private boolean quotaReported;
        private ChannelHandlerContext ctx;
        private ScheduledFuture<?> timer;

        Conn(Options o, LoopStats stats, int index) {
            this.stats = stats;
            this.index = index;
            this.idBase = ThreadLocalRandom.current().nextLong();
            int size = Integer.highestOneBit(Math.max(2, o.inflight) * 2 - 1) << 1;
            this.ringId = new long[size];
            this.ringStart = new long[size];
            this.mask = size - 1;
            java.util.Arrays.fill(ringStart, -1L);
        }

        /** Starts sending, on the connection's event loop, once every connection is established. */
        void start(Plan plan) {
            this.plan = plan;
            if (ctx == null || !ctx.channel().isActive()) {
                plan.quotaDone.countDown();
                return;
            }
            if (plan.intervalNanos == 0) {
                long now = System.nanoTime();
                for (int i = 0; i < plan.o.inflight && maySend(now); i++) {
                    send(now);
                }
                ctx.flush();
            } else {
                // stagger connections across one interval
                nextDue = plan.startNanos + plan.intervalNanos * index / plan.o.connections;
                pump();
            }
        }

        /** Whether this connection is done: nothing in flight and (open loop) every request due before the end sent. */
        boolean drained() {
            return plan == null || inflight == 0 && (plan.intervalNanos == 0 || nextDue >= plan.endNanos
                    || seq >= plan.perConnectionQuota || ctx == null || !ctx.channel().isActive());
        }

        private boolean maySend(long now) {
            return !plan.stopped && now < plan.endNanos && seq < plan.perConnectionQuota;
        }

        private void send(long start) {
            long id = idBase + seq++;
            int slot = (int) (id & mask);
            if (ringStart[slot] >= 0) {
                // never answered and overrun: count it lost
                stats.lost++;
                inflight--;
            }
            ringId[slot] = id;
            ringStart[slot] = start;
            inflight++;
            ctx.write(plan.wire.request(ctx.alloc(), id), ctx.voidPromise());
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            this.ctx = ctx;
            super.channelActive(ctx);
        }

        /** Open loop: sends every due request (up to the in-flight cap), then sleeps until the next one is due. */
        private void pump() {
            long now = System.nanoTime();
            boolean sent = false;
            while (nextDue <= now && inflight < plan.o.inflight && maySend(nextDue)) {
                send(nextDue);
                nextDue += plan.intervalNanos;
                sent = true;
            }
            if (sent) {
                ctx.flush();
            }
            if (nextDue <= now) {
                long backlog = (now - nextDue) / plan.intervalNanos + 1;
                if (backlog > stats.maxBacklog) {
                    stats.maxBacklog = backlog;
                }
            }
            if (timer == null && nextDue > now && maySend(nextDue)) {
                timer = ctx.executor().schedule(() -> {
                    timer = null;
                    pump();
                }, nextDue - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.readableBytes() >= DubboWire.HEADER_LENGTH) {
                int start = in.readerIndex();
                int length = in.getInt(start + 12);
                if (in.getShort(start) != DubboWire.MAGIC || length < 0 || length > DubboWire.MAX_BODY_LENGTH) {
                    stats.mismatches++;
                    in.skipBytes(in.readableBytes());
                    ctx.close();
                    return;
                }
                if (in.readableBytes() < DubboWire.HEADER_LENGTH + length) {
                    return;
                }
                onFrame(in.slice(start, DubboWire.HEADER_LENGTH + length));
                in.skipBytes(DubboWire.HEADER_LENGTH + length);
            }
        }

        private void onFrame(ByteBuf frame) {
            if (plan == null) {
                stats.unknownIds++;
                return;
            }
            int flag = frame.getUnsignedByte(2);
            long id = frame.getLong(4);
            if ((flag & DubboWire.FLAG_REQUEST) != 0) {
                // a heartbeat from the server side: answer it
                if ((flag & DubboWire.FLAG_EVENT) != 0 && (flag & DubboWire.FLAG_TWO_WAY) != 0) {
                    ByteBuf r = ctx.alloc().buffer(17);
                    DubboWire.writeHeader(r, DubboWire.FLAG_EVENT | DubboWire.HESSIAN2, DubboWire.OK, id, 1);
                    r.writeByte('N');
                    ctx.write(r, ctx.voidPromise());
                }
                return;
            }
            if ((flag & DubboWire.FLAG_EVENT) != 0) {
                return;
            }
            int slot = (int) (id & mask);
            if (ringStart[slot] < 0 || ringId[slot] != id) {
                stats.unknownIds++;
                return;
            }
            long started = ringStart[slot];
            ringStart[slot] = -1L;
            inflight--;
            long now = System.nanoTime();
            stats.completed++;
            if (frame.getUnsignedByte(3) != DubboWire.OK) {
                stats.statusErrors++;
            } else if (!plan.wire.verify(frame, id)) {
                stats.mismatches++;
            } else if (started >= plan.measureFromNanos && now <= plan.endNanos) {
                stats.measured++;
                stats.latency.recordValue(Math.min(now - started, stats.latency.getHighestTrackableValue()));
            }
            if (plan.intervalNanos == 0 && maySend(now)) {
                send(now);
            }
            if (inflight == 0 && seq >= plan.perConnectionQuota && !quotaReported) {
                quotaReported = true;
                plan.quotaDone.countDown();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (plan != null && plan.intervalNanos > 0) {
                pump();
            }
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stats.lost += inflight;
            inflight = 0;
            if (timer != null) {
                timer.cancel(false);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Runs the load and returns the result; blocks for about {@code durationS} (+ up to the timeout). */
    public static Result run(Options o) throws InterruptedException {
        EventLoopGroup group = Transports.newGroup(o.threads, Transports.daemonThreads("dubbo-load"));
        try {
            List<EventLoop> loops = new ArrayList<>();
            for (EventExecutor e : group) {
                loops.add((EventLoop) e);
            }
            List<LoopStats> stats = new ArrayList<>();
            for (int i = 0; i < loops.size(); i++) {
                stats.add(new LoopStats());
            }
            List<Conn> conns = new ArrayList<>();
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < o.connections; i++) {
                int loop = i % loops.size();
                Conn conn = new Conn(o, stats.get(loop), i);
                conns.add(conn);
                connects.add(new Bootstrap().group(loops.get(loop)).channel(Transports.clientChannel())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, o.timeoutMs)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(conn);
                            }
                        })
                        .connect(o.host, o.port));
                if (connects.size() % 256 == 0) {
                    connects.get(connects.size() - 1).await(o.timeoutMs);
                }
            }
            long connectFailures = 0;
            List<Channel> channels = new ArrayList<>();
            for (ChannelFuture f : connects) {
                if (!f.await(o.timeoutMs) || !f.isSuccess()) {
                    connectFailures++;
                } else {
                    channels.add(f.channel());
                }
            }
            // the clock starts once every connection is up (or has failed)
            Plan plan = new Plan(o, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
            for (int i = 0; i < conns.size(); i++) {
                Conn c = conns.get(i);
                loops.get(i % loops.size()).execute(() -> c.start(plan));
            }
            long sleep = plan.endNanos - System.nanoTime();
            if (sleep > 0) {
                plan.quotaDone.await(sleep, TimeUnit.NANOSECONDS);
            }
            // Requests due before the end are still sent (late, if the machine is slow); then wait for the answers.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(o.timeoutMs);
            while (System.nanoTime() < deadline) {
                boolean drained = true;
                for (int i = 0; i < conns.size() && drained; i++) {
                    Conn c = conns.get(i);
                    drained = loops.get(i % loops.size()).submit(c::drained).get();
                }
                if (drained) {
                    break;
                }
                Thread.sleep(10);
            }
            plan.stopped = true;
            for (Channel ch : channels) {
                ch.close().await(1000);
            }
            double measuredSeconds = (plan.endNanos - plan.measureFromNanos) / 1e9;
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            long completed = 0, measured = 0, status = 0, mismatch = 0, unknown = 0, lost = 0, backlog = 0;
            for (int i = 0; i < loops.size(); i++) {
                LoopStats s = stats.get(i);
                // read on the owning loop so that the values are safely published
                loops.get(i).submit(() -> { }).get();
                all.add(s.latency);
                completed += s.completed;
                measured += s.measured;
                status += s.statusErrors;
                mismatch += s.mismatches;
                unknown += s.unknownIds;
                lost += s.lost;
                backlog = Math.max(backlog, s.maxBacklog);
            }
            return new Result(o, completed, measured, measuredSeconds, status, mismatch, unknown, lost,
                    connectFailures, all, backlog);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
