package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.testkit.FailingLeakDetector;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ProtocolSide;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests over the golden frames captured from real Apache Dubbo: any fragmentation
 * gives the same frames; any mutation gives a frame or a typed {@link CodecException}, nothing
 * else, and no buffer is leaked (checked per try by reference counts, and per container by
 * Netty's PARANOID leak detector).
 */
class DubboCodecPropertiesTest {
    static final List<byte[]> GOLDEN = GoldenVectors.all().stream().map(GoldenVectors.Golden::bytes).toList();
    static final List<String> HEADERS = List.of("service", "method", "version", "group", "dubbo", "parameter-types",
            "interface", "timeout", "path", "remote.application", "absent");

    final DubboProtocol protocol = new DubboProtocol();

    @BeforeContainer
    static void checkLevel() {
        assertThat(io.netty.util.ResourceLeakDetector.getLevel())
                .isEqualTo(io.netty.util.ResourceLeakDetector.Level.PARANOID);
        FailingLeakDetector.drainLeaks();
    }

    @AfterContainer
    static void noLeaks() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 8; j++) {
                PooledByteBufAllocator.DEFAULT.buffer(8).release();
                UnpooledByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        assertThat(FailingLeakDetector.drainLeaks()).isEmpty();
    }

    /** Collects exceptions reaching the end of the pipeline. */
    static final class Errors extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
        }
    }

    @Provide
    Arbitrary<List<Integer>> frameSequences() {
        return Arbitraries.integers().between(0, GOLDEN.size() - 1).list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.integers().between(1, 700).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void randomFragmentationYieldsTheSameFrames(@ForAll("frameSequences") List<Integer> picks,
                                                @ForAll("chunkSizes") List<Integer> chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        for (int i : picks) {
            all.writeBytes(GOLDEN.get(i));
            expected.add(TestFrames.hex(GOLDEN.get(i)));
        }
        byte[] stream = all.toByteArray();
        ByteBuf source = Unpooled.buffer(stream.length).writeBytes(stream);
        Errors errors = new Errors();
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        ch.pipeline().addLast(errors);
        List<String> got = new ArrayList<>();
        int off = 0;
        int c = 0;
        while (off < stream.length) {
            int n = Math.min(chunks.get(c++ % chunks.size()), stream.length - off);
            ch.writeInbound(source.retainedSlice(off, n));
            off += n;
            drainInto(ch, got);
        }
        assertThat(ch.finish()).isFalse();
        assertThat(errors.seen).isEmpty();
        assertThat(got).isEqualTo(expected);
        assertThat(source.refCnt()).as("every slice of the input released").isEqualTo(1);
        source.release();
    }

    private static void drainInto(EmbeddedChannel ch, List<String> got) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            DubboFrame f = (DubboFrame) m;
            byte[] b = new byte[f.content().readableBytes()];
            f.content().getBytes(f.content().readerIndex(), b);
            got.add(TestFrames.hex(b));
            f.release(); // a slice may share its count with the cumulation: checked on the source below
        }
    }

    /** A mutation: kind 0 flips bytes, 1 truncates the body, 2 inserts bytes, 3 overwrites the length. */
    record Mutation(int golden, int kind, List<Integer> positions, List<Integer> values, boolean fixLength) {
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(
                Arbitraries.integers().between(0, GOLDEN.size() - 1),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(6),
                Arbitraries.integers().between(0, 255).list().ofMinSize(6).ofMaxSize(6),
                Arbitraries.of(true, true, true, false)).as(Mutation::new);
    }

    static byte[] mutate(Mutation m) {
        byte[] g = GOLDEN.get(m.golden());
        byte[] b;
        switch (m.kind()) {
            case 0 -> {
                b = g.clone();
                for (int i = 0; i < m.positions().size(); i++) {
                    // mostly in the body, where the interesting parsing is
                    int p = 16 + m.positions().get(i) % Math.max(1, b.length - 16);
                    if (p < b.length) {
                        b[p] = (byte) (int) m.values().get(i);
                    }
                }
            }
            case 1 -> b = Arrays.copyOf(g, 16 + m.positions().get(0) % Math.max(1, g.length - 16));
            case 2 -> {
                int p = 16 + m.positions().get(0) % Math.max(1, g.length - 16);
                int n = 1 + m.values().get(0) % 5;
                b = new byte[g.length + n];
                System.arraycopy(g, 0, b, 0, p);
                for (int i = 0; i < n; i++) {
                    b[p + i] = (byte) (int) m.values().get(i);
                }
                System.arraycopy(g, p, b, p + n, g.length - p);
            }
            default -> {
                b = g.clone();
                ByteBuffer.wrap(b).putInt(12, m.positions().get(0) * (m.values().get(0) > 128 ? -1 : 1));
                return b;
            }
        }
        if (m.fixLength()) {
            ByteBuffer.wrap(b).putInt(12, b.length - 16);
        }
        return b;
    }

    @Property(tries = 1000)
    void mutatedGoldenFramesGiveAFrameOrATypedError(@ForAll("mutations") Mutation m) {
        byte[] bytes = mutate(m);
        ByteBuf source = Unpooled.buffer(bytes.length).writeBytes(bytes);
        Errors errors = new Errors();
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, new CodecOptions(64 * 1024, Map.of()));
        ch.pipeline().addLast(errors);
        ch.writeInbound(source.retainedSlice());
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            DubboFrame f = (DubboFrame) msg;
            try {
                f.kind();
                f.requestId();
                f.status();
                f.isServerError();
                assertThat(f.replyTemplate()).isNotNull();
                for (String h : HEADERS) {
                    try {
                        f.header(h);
                    } catch (CodecException e) {
                        assertThat(e.isFatal()).isFalse();
                        assertThat(e.requestId()).isEqualTo(f.requestId());
                    }
                }
                try {
                    f.forEachHeader((k, v) -> assertThat(k).isNotNull());
                } catch (CodecException e) {
                    assertThat(e.isFatal()).isFalse();
                }
                f.setRequestId(~f.requestId());
            } finally {
                f.release(); // a slice may share its count with the cumulation: checked on the source below
            }
        }
        ch.finish();
        for (Object o; (o = ch.readInbound()) != null; ) {
            ((DubboFrame) o).release();
        }
        assertThat(errors.seen).allSatisfy(e -> assertThat(e).isInstanceOf(CodecException.class));
        assertThat(source.refCnt()).isEqualTo(1);
        source.release();
    }
}
