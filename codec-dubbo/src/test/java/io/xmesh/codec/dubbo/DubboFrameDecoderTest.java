package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.FrameTooLargeException;
import io.xmesh.xprotocol.codec.ProtocolSide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The frame decoder and encoder on an {@link EmbeddedChannel}: framing, fragmentation, hostile input. */
class DubboFrameDecoderTest {

    /** greet("n0-abcdefgh") from Apache Dubbo 3.3.6, hessian2 (dubbo-facts.md). */
    static final byte[] GREET = TestFrames.hex("dabbc200309f7701f420ddc2000000c905322e302e3217696e7465726f702e4772656574696e675365727669636505302e302e30056772656574124c6a6176612f6c616e672f537472696e673b0b6e302d616263646566676848047061746817696e7465726f702e4772656574696e67536572766963651272656d6f74652e6170706c69636174696f6e10696e7465726f702d636f6e73756d657209696e7465726661636517696e7465726f702e4772656574696e67536572766963650776657273696f6e05302e302e300774696d656f757404333030305a");
    static final byte[] HEARTBEAT = TestFrames.hex("dabbe200a89ac0419a214879000000014e");
    /** Its response, status 20 (dubbo-facts.md). */
    static final byte[] RESPONSE = TestFrames.hex("dabb0214309f7701f420ddc20000005394302648656c6c6f2c206e302d61626364656667682066726f6d2070726f76696465723a32303838314815696e7465726f702e70726f76696465722e706f727405323038383105647562626f05322e302e325a");
    static final byte[] HEARTBEAT_REPLY = TestFrames.hex("dabb2214a89ac0419a214879000000014e");

    final DubboProtocol protocol = new DubboProtocol();

    /** Collects exceptions fired through the pipeline. */
    static final class Errors extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
        }
    }

    EmbeddedChannel channel(Errors errors, int maxFrame) {
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, new CodecOptions(maxFrame, Map.of()));
        ch.pipeline().addLast(errors);
        return ch;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** Reads every decoded frame as bytes (releasing it) and its kind. */
    static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            DubboFrame f = (DubboFrame) m;
            try {
                byte[] b = new byte[f.content().readableBytes()];
                f.content().getBytes(f.content().readerIndex(), b);
                out.add(f.kind() + ":" + TestFrames.hex(b));
            } finally {
                f.release();
            }
        }
        return out;
    }

    static String expect(FrameKind kind, byte[] frame) {
        return kind + ":" + TestFrames.hex(frame);
    }

    @Test
    void wholeFrame() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.wrappedBuffer(GREET));
        DubboFrame f = ch.readInbound();
        try {
            assertThat(f.kind()).isEqualTo(FrameKind.REQUEST);
            assertThat(f.requestId()).isEqualTo(3503649885392002498L);
            assertThat(f.serializationId()).isEqualTo(2);
            assertThat(f.bodyLength()).isEqualTo(201);
            assertThat(f.status()).isZero();
            assertThat(f.isServerError()).isFalse();
            assertThat(f.protocol()).isEqualTo("dubbo");
            assertThat(f.replyTemplate()).isSameAs(protocol.replyTemplate(2));
            assertThat(f.header("service")).isEqualTo("interop.GreetingService");
            assertThat(f.header("method")).isEqualTo("greet");
            assertThat(f.header("version")).isEqualTo("0.0.0");
            assertThat(f.header("dubbo")).isEqualTo("2.0.2");
            assertThat(f.header("parameter-types")).isEqualTo("Ljava/lang/String;");
            assertThat(f.header("group")).isNull();
            assertThat(f.header("remote.application")).isEqualTo("interop-consumer");
            assertThat(f.header("timeout")).isEqualTo("3000");
        } finally {
            f.release();
        }
        assertThat(errors.seen).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void byteByByte() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        byte[] all = concat(GREET, HEARTBEAT, GREET);
        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
        assertThat(drain(ch)).containsExactly(expect(FrameKind.REQUEST, GREET), expect(FrameKind.HEARTBEAT, HEARTBEAT),
                expect(FrameKind.REQUEST, GREET));
        assertThat(errors.seen).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void everySplitPoint() {
        byte[] all = concat(GREET, HEARTBEAT, HEARTBEAT_REPLY);
        for (int split = 0; split <= all.length; split++) {
            Errors errors = new Errors();
            EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
            ByteBuf buf = Unpooled.buffer(all.length).writeBytes(all);
            ch.writeInbound(buf.retainedSlice(0, split));
            ch.writeInbound(buf.retainedSlice(split, all.length - split));
            buf.release();
            assertThat(drain(ch)).as("split at %d", split).containsExactly(expect(FrameKind.REQUEST, GREET),
                    expect(FrameKind.HEARTBEAT, HEARTBEAT), expect(FrameKind.HEARTBEAT_REPLY, HEARTBEAT_REPLY));
            assertThat(errors.seen).isEmpty();
            assertFalse(ch.finish());
        }
    }

    @Test
    void severalFramesInOneBuffer() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.wrappedBuffer(concat(HEARTBEAT, GREET, HEARTBEAT_REPLY, GREET)));
        assertThat(drain(ch)).containsExactly(expect(FrameKind.HEARTBEAT, HEARTBEAT), expect(FrameKind.REQUEST, GREET),
                expect(FrameKind.HEARTBEAT_REPLY, HEARTBEAT_REPLY), expect(FrameKind.REQUEST, GREET));
        assertFalse(ch.finish());
    }

    @Test
    void framesOutliveLaterReadsOfTheSameCumulation() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        byte[] two = concat(GREET, GREET);
        // the first frame plus half of the second: the first frame is a slice of the cumulation
        ch.writeInbound(Unpooled.wrappedBuffer(two, 0, GREET.length + 50));
        DubboFrame first = ch.readInbound();
        ch.writeInbound(Unpooled.wrappedBuffer(two, GREET.length + 50, GREET.length - 50));
        DubboFrame second = ch.readInbound();
        try {
            first.setRequestId(1);
            second.setRequestId(2);
            assertThat(first.requestId()).isEqualTo(1);
            assertThat(second.requestId()).isEqualTo(2);
            assertThat(first.header("service")).isEqualTo("interop.GreetingService");
            assertThat(second.header("timeout")).isEqualTo("3000");
        } finally {
            first.release();
            second.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void setRequestIdRewritesOnlyBytes4To11() {
        DubboFrame f = protocol.wrap(Unpooled.copiedBuffer(GREET));
        try {
            f.setRequestId(-2L);
            byte[] b = new byte[GREET.length];
            f.content().getBytes(0, b);
            byte[] expected = GREET.clone();
            for (int i = 4; i < 12; i++) {
                expected[i] = (byte) 0xff;
            }
            expected[11] = (byte) 0xfe;
            assertThat(b).isEqualTo(expected);
            assertThat(f.requestId()).isEqualTo(-2L);
        } finally {
            f.release();
        }
    }

    @Test
    void readOnlyInputIsCopiedSoTheIdCanBeRewritten() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.unmodifiableBuffer(Unpooled.wrappedBuffer(GREET)).asReadOnly());
        DubboFrame f = ch.readInbound();
        try {
            f.setRequestId(7);
            assertThat(f.requestId()).isEqualTo(7);
        } finally {
            f.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void encoderWritesTheBytesUnchangedAndReleasesTheFrame() {
        EmbeddedChannel ch = channel(new Errors(), CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        DubboFrame f = protocol.wrap(Unpooled.copiedBuffer(GREET));
        f.setRequestId(42);
        ch.writeOutbound(f);
        ByteBuf out = ch.readOutbound();
        // the frame gave up its reference: only the written bytes' one is left, held by the transport
        assertThat(out.refCnt()).isEqualTo(1);
        try {
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            byte[] expected = GREET.clone();
            java.nio.ByteBuffer.wrap(expected).putLong(4, 42);
            assertThat(b).isEqualTo(expected);
        } finally {
            out.release();
        }
        assertThat(f.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void wrongMagicIsFatalAndLaterBytesAreDiscarded() {
        for (byte[] bad : new byte[][]{TestFrames.hex("00"), TestFrames.hex("da00"), TestFrames.hex("474554202f20485454502f312e310d0a")}) {
            Errors errors = new Errors();
            EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
            ch.writeInbound(Unpooled.wrappedBuffer(bad));
            ch.writeInbound(Unpooled.wrappedBuffer(GREET));
            assertThat((Object) ch.readInbound()).isNull();
            assertThat(errors.seen).singleElement().isInstanceOfSatisfying(CodecException.class, e -> {
                assertThat(e.isFatal()).isTrue();
                assertThat(e.hasRequestId()).isFalse();
                assertThat(e.getMessage()).contains("magic");
            });
            assertFalse(ch.finish());
        }
    }

    @Test
    void goodFrameThenGarbage() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.wrappedBuffer(concat(GREET, TestFrames.hex("deadbeef"), GREET)));
        assertThat(drain(ch)).containsExactly(expect(FrameKind.REQUEST, GREET));
        assertThat(errors.seen).singleElement().isInstanceOf(CodecException.class);
        assertFalse(ch.finish());
    }

    @Test
    void negativeLengthIsFatalWithTheRequestId() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.wrappedBuffer(TestFrames.hex("dabbc2000000000000000005ffffffff4e4e4e")));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(errors.seen).singleElement().isInstanceOfSatisfying(CodecException.class, e -> {
            assertThat(e.isFatal()).isTrue();
            assertThat(e.requestId()).isEqualTo(5);
            assertThat(e.getMessage()).contains("negative");
        });
        assertFalse(ch.finish());
    }

    @Test
    void oversizedFrameIsRefusedBeforeItsBodyArrives() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, 100);
        ch.writeInbound(Unpooled.wrappedBuffer(GREET, 0, 16)); // header only: 16 + 201 > 100
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(errors.seen).singleElement().isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
            assertThat(e.isFatal()).isTrue();
            assertThat(e.requestId()).isEqualTo(3503649885392002498L);
        });
        ch.writeInbound(Unpooled.wrappedBuffer(GREET, 16, GREET.length - 16));
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, GREET.length);
        ch.writeInbound(Unpooled.wrappedBuffer(GREET));
        assertThat(drain(ch)).hasSize(1);
        assertThat(errors.seen).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void truncatedFrameAtCloseIsReported() {
        Errors errors = new Errors();
        EmbeddedChannel ch = channel(errors, CodecOptions.DEFAULT_MAX_FRAME_LENGTH);
        ch.writeInbound(Unpooled.wrappedBuffer(concat(GREET, java.util.Arrays.copyOf(GREET, 100))));
        assertThat(drain(ch)).hasSize(1);
        assertFalse(ch.finish());
        assertThat(errors.seen).singleElement().isInstanceOfSatisfying(CodecException.class, e -> {
            assertThat(e.isFatal()).isTrue();
            assertThat(e.requestId()).isEqualTo(3503649885392002498L);
            assertThat(e.getMessage()).contains("truncated");
        });
    }

    @Test
    void kindsComeFromFlagBits() {
        assertThat(DubboFrame.kindOf(0xc2)).isEqualTo(FrameKind.REQUEST);
        assertThat(DubboFrame.kindOf(0x82)).isEqualTo(FrameKind.ONEWAY);
        assertThat(DubboFrame.kindOf(0xe2)).isEqualTo(FrameKind.HEARTBEAT);
        assertThat(DubboFrame.kindOf(0xa2)).isEqualTo(FrameKind.ONEWAY);
        assertThat(DubboFrame.kindOf(0x22)).isEqualTo(FrameKind.HEARTBEAT_REPLY);
        assertThat(DubboFrame.kindOf(0x02)).isEqualTo(FrameKind.RESPONSE);
        assertThat(DubboFrame.kindOf(0x17)).isEqualTo(FrameKind.RESPONSE);
        assertThat(DubboFrame.kindOf(0xd7)).isEqualTo(FrameKind.REQUEST);
    }

    @Test
    void clientSideDecodesResponses() {
        Errors errors = new Errors();
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.CLIENT, CodecOptions.DEFAULTS);
        ch.pipeline().addLast(errors);
        byte[] error = TestFrames.frame(0x02, 70, 9, TestFrames.hessian("no such service"));
        ch.writeInbound(Unpooled.wrappedBuffer(concat(RESPONSE, HEARTBEAT_REPLY, error)));
        DubboFrame ok = ch.readInbound();
        DubboFrame hb = ch.readInbound();
        DubboFrame bad = ch.readInbound();
        try {
            assertThat(ok.kind()).isEqualTo(FrameKind.RESPONSE);
            assertThat(ok.status()).isEqualTo(20);
            assertThat(ok.isServerError()).isFalse();
            assertThat(ok.requestId()).isEqualTo(3503649885392002498L);
            assertThat(ok.header("service")).isNull();
            assertThat(hb.kind()).isEqualTo(FrameKind.HEARTBEAT_REPLY);
            assertThat(hb.status()).isEqualTo(20);
            assertThat(bad.kind()).isEqualTo(FrameKind.RESPONSE);
            assertThat(bad.status()).isEqualTo(70);
            assertThat(bad.isServerError()).isTrue();
        } finally {
            ok.release();
            hb.release();
            bad.release();
        }
        assertThat(errors.seen).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void match() {
        assertThat(protocol.match(Unpooled.EMPTY_BUFFER)).isEqualTo(io.xmesh.xprotocol.codec.ProtocolMatch.NEED_MORE);
        ByteBuf one = Unpooled.wrappedBuffer(TestFrames.hex("da"));
        ByteBuf good = Unpooled.wrappedBuffer(TestFrames.hex("dabbc2"));
        ByteBuf http = Unpooled.wrappedBuffer("GET / HTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuf half = Unpooled.wrappedBuffer(TestFrames.hex("daff"));
        assertThat(protocol.match(one)).isEqualTo(io.xmesh.xprotocol.codec.ProtocolMatch.NEED_MORE);
        assertThat(protocol.match(good)).isEqualTo(io.xmesh.xprotocol.codec.ProtocolMatch.MATCH);
        assertThat(protocol.match(http)).isEqualTo(io.xmesh.xprotocol.codec.ProtocolMatch.NO_MATCH);
        assertThat(protocol.match(half)).isEqualTo(io.xmesh.xprotocol.codec.ProtocolMatch.NO_MATCH);
        assertThat(good.readerIndex()).isZero();
    }
}
