package io.xmesh.benchmarks.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.codec.dubbo.DubboFrame;
import io.xmesh.codec.dubbo.DubboFramer;
import io.xmesh.codec.dubbo.DubboProtocol;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Dubbo codec's hot path, on request frames captured from real Apache Dubbo 3.3.6
 * ({@code greet(String)}, about 270-310 bytes; {@code serialization} hessian2 or fastjson2).
 *
 * <ul>
 *   <li>{@code routeServiceMethodVersion}: what the decoder does per frame
 *       ({@link DubboFramer#next}: header checks, a retained slice of the read buffer wrapped as a
 *       frame sharing the connection's readers and string cache), then the routing fields before
 *       the arguments
 *       (service, method, version), the id rewritten in place, the frame released;</li>
 *   <li>{@code routeWithGroup}: the same plus {@code group}, which is only in the attachments,
 *       after the arguments: the arguments are skipped and the attachments read;</li>
 *   <li>{@code nettySliceOnly}: the baseline inside the two above: duplicating the read buffer
 *       and taking a retained slice (Netty's derived buffers);</li>
 *   <li>{@code rewriteRequestId}: the id rewrite alone on a frame kept for the whole run;</li>
 *   <li>{@code errorReplyEncode}: an error reply built for a request (pooled allocator), released;</li>
 *   <li>{@code decodeThroughPipeline}: the frame through the real decoder on an EmbeddedChannel
 *       (the channel costs included), then service, method and group.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar 'dubbo.DubboCodecBenchmark' -prof gc}.
 *
 * <p>The forked JVM runs the benchmark on a Netty {@code FastThreadLocalThread}
 * ({@link EventLoopThreadExecutor}), as the proxy runs the codec on its event loops: Netty 4.2
 * recycles derived buffers (retained slices and duplicates of pooled buffers) only on such
 * threads, so on JMH's plain threads they would be counted as allocations the proxy never makes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=io.xmesh.benchmarks.dubbo.EventLoopThreadExecutor"})
public class DubboCodecBenchmark {

    /** golden/hessian2-greet-string-request.hex (Apache Dubbo 3.3.6). */
    static final String HESSIAN2_GREET =
            "dabbc2000b99d44e7803a3890000010b05322e302e32302c696f2e786d6573682e636f6465632e647562626f2e696e746572" +
            "6f702e4772656574696e675365727669636505302e302e30056772656574124c6a6176612f6c616e672f537472696e673b0b" +
            "6e302d6162636465666768480470617468302c696f2e786d6573682e636f6465632e647562626f2e696e7465726f702e4772" +
            "656574696e67536572766963651272656d6f74652e6170706c69636174696f6e10696e7465726f702d636f6e73756d657209" +
            "696e74657266616365302c696f2e786d6573682e636f6465632e647562626f2e696e7465726f702e4772656574696e675365" +
            "72766963650776657273696f6e05302e302e300774696d656f757404333030305a";
    /** golden/hessian2-grouped-greet-request.hex (Apache Dubbo 3.3.6). */
    static final String HESSIAN2_GROUPED_GREET =
            "dabbc2000b99d44e7803a3920000010b05322e302e32302c696f2e786d6573682e636f6465632e647562626f2e696e746572" +
            "6f702e4772656574696e675365727669636505312e322e33056772656574124c6a6176612f6c616e672f537472696e673b02" +
            "6e31480470617468302c696f2e786d6573682e636f6465632e647562626f2e696e7465726f702e4772656574696e67536572" +
            "766963651272656d6f74652e6170706c69636174696f6e10696e7465726f702d636f6e73756d657209696e74657266616365" +
            "302c696f2e786d6573682e636f6465632e647562626f2e696e7465726f702e4772656574696e675365727669636507766572" +
            "73696f6e05312e322e330774696d656f757404333030300567726f75700267315a";
    /** golden/fastjson2-greet-string-request.hex (Apache Dubbo 3.3.6). */
    static final String FASTJSON2_GREET =
            "dabbd7000b99d44e7803a39500000124000000064e322e302e320000002d75696f2e786d6573682e636f6465632e64756262" +
            "6f2e696e7465726f702e4772656574696e6753657276696365000000064e302e302e30000000064e6772656574000000135b" +
            "4c6a6176612f6c616e672f537472696e673b0000000c546e302d6162636465666768000000aaa64d7061746875696f2e786d" +
            "6573682e636f6465632e647562626f2e696e7465726f702e4772656574696e67536572766963655b72656d6f74652e617070" +
            "6c69636174696f6e59696e7465726f702d636f6e73756d657252696e7465726661636575696f2e786d6573682e636f646563" +
            "2e647562626f2e696e7465726f702e4772656574696e67536572766963655076657273696f6e4e302e302e305074696d656f" +
            "75744d33303030a5";
    /** golden/fastjson2-grouped-greet-request.hex (Apache Dubbo 3.3.6). */
    static final String FASTJSON2_GROUPED_GREET =
            "dabbd7000b99d44e7803a39e00000124000000064e322e302e320000002d75696f2e786d6573682e636f6465632e64756262" +
            "6f2e696e7465726f702e4772656574696e6753657276696365000000064e312e322e33000000064e6772656574000000135b" +
            "4c6a6176612f6c616e672f537472696e673b000000034b6e31000000b3a64d7061746875696f2e786d6573682e636f646563" +
            "2e647562626f2e696e7465726f702e4772656574696e67536572766963655b72656d6f74652e6170706c69636174696f6e59" +
            "696e7465726f702d636f6e73756d657252696e7465726661636575696f2e786d6573682e636f6465632e647562626f2e696e" +
            "7465726f702e4772656574696e67536572766963655076657273696f6e4e312e322e335074696d656f75744d333030304e67" +
            "726f75704b6731a5";


    @Param({"hessian2", "fastjson2"})
    public String serialization;

    private final DubboProtocol protocol = new DubboProtocol();
    private final DubboFramer framer = protocol.framer(CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
    private ByteBuf request;
    private DubboFrame kept;
    private ReplyTemplate template;
    private EmbeddedChannel channel;
    private long id;

    @Setup
    public void setup() {
        boolean hessian = "hessian2".equals(serialization);
        byte[] bytes = HexFormat.of().parseHex(hessian ? HESSIAN2_GROUPED_GREET : FASTJSON2_GROUPED_GREET);
        request = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        kept = protocol.wrap(request.retainedSlice());
        template = kept.replyTemplate();
        if (!"g1".equals(kept.header(RoutingHeaders.GROUP))) {
            throw new IllegalStateException("the sample frame has no group g1");
        }
        channel = new EmbeddedChannel();
        protocol.initChannel(channel.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
    }

    @TearDown
    public void tearDown() {
        kept.release();
        request.release();
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public void routeServiceMethodVersion(Blackhole bh) {
        ByteBuf in = request.retainedDuplicate();
        DubboFrame f = framer.next(in, PooledByteBufAllocator.DEFAULT);
        in.release();
        try {
            bh.consume(f.kind());
            bh.consume(f.header(RoutingHeaders.SERVICE));
            bh.consume(f.header(RoutingHeaders.METHOD));
            bh.consume(f.header(RoutingHeaders.VERSION));
            f.setRequestId(++id);
        } finally {
            f.release();
        }
    }

    @Benchmark
    public void routeWithGroup(Blackhole bh) {
        ByteBuf in = request.retainedDuplicate();
        DubboFrame f = framer.next(in, PooledByteBufAllocator.DEFAULT);
        in.release();
        try {
            bh.consume(f.kind());
            bh.consume(f.header(RoutingHeaders.SERVICE));
            bh.consume(f.header(RoutingHeaders.METHOD));
            bh.consume(f.header(RoutingHeaders.VERSION));
            bh.consume(f.header(RoutingHeaders.GROUP));
            f.setRequestId(++id);
        } finally {
            f.release();
        }
    }

    /** Netty's share of the per-frame work: a duplicate of the read buffer and one retained slice. */
    @Benchmark
    public int nettySliceOnly() {
        ByteBuf in = request.retainedDuplicate();
        ByteBuf slice = in.readRetainedSlice(in.readableBytes());
        int n = slice.readableBytes();
        slice.release();
        in.release();
        return n;
    }

    @Benchmark
    public long rewriteRequestId() {
        kept.setRequestId(++id);
        return kept.requestId();
    }

    @Benchmark
    public void errorReplyEncode(Blackhole bh) {
        XFrame reply = protocol.errorReply(template, ++id, ErrorKind.NO_ROUTE,
                "xmesh: no route for service interop.GreetingService version 1.2.3", PooledByteBufAllocator.DEFAULT);
        bh.consume(reply.content().readableBytes());
        reply.release();
    }

    @Benchmark
    public void decodeThroughPipeline(Blackhole bh) {
        channel.writeInbound(request.retainedDuplicate());
        DubboFrame f = channel.readInbound();
        try {
            bh.consume(f.header(RoutingHeaders.SERVICE));
            bh.consume(f.header(RoutingHeaders.METHOD));
            bh.consume(f.header(RoutingHeaders.GROUP));
        } finally {
            f.release();
        }
    }
}
