package io.xmesh.codec.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.fastjson2.JSONB;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ProtocolSide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** setHeader on golden frames: the rebuilt bytes are read by hessian-lite / fastjson2 and by our decoder. */
class SetHeaderTest {
    final DubboProtocol protocol = new DubboProtocol();

    static byte[] bytes(DubboFrame f) {
        ByteBuf c = f.content();
        byte[] b = new byte[c.readableBytes()];
        c.getBytes(c.readerIndex(), b);
        return b;
    }

    /** The values of a body as the real library reads them: five strings, the arguments, the attachments. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> attachmentsByTheLibrary(String ser, byte[] frame, int args) throws Exception {
        assertThat(ByteBuffer.wrap(frame).getInt(12)).isEqualTo(frame.length - 16);
        if (ser.equals("hessian2")) {
            Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(frame, 16, frame.length - 16));
            for (int i = 0; i < 5 + args; i++) {
                in.readObject();
            }
            return (Map<String, Object>) in.readObject();
        }
        ByteBuffer b = ByteBuffer.wrap(frame, 16, frame.length - 16);
        List<byte[]> docs = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] d = new byte[b.getInt()];
            b.get(d);
            docs.add(d);
        }
        assertThat(docs).hasSize(6 + args);
        return (Map<String, Object>) JSONB.parseObject(docs.get(docs.size() - 1), Map.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void addsAndReplacesAttachments(String ser) throws Exception {
        byte[] golden = GoldenVectors.load(ser + "-grouped-greet-request.hex").bytes();
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        ch.writeInbound(Unpooled.wrappedBuffer(golden, golden));
        DubboFrame f = ch.readInbound();
        DubboFrame other = ch.readInbound(); // shares the read buffer
        try {
            assertThat(f.header("group")).isEqualTo("g1");
            assertThat(f.setHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isTrue();
            assertThat(f.setHeader("timeout", "5000")).isTrue();
            assertThat(f.setHeader("x-note", "é€ non-ascii")).isTrue();
            assertThat(f.setHeader("service", "nope")).isFalse();
            assertThat(f.header("traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            assertThat(f.header("timeout")).isEqualTo("5000");
            assertThat(f.header("x-note")).isEqualTo("é€ non-ascii");
            assertThat(f.header("group")).isEqualTo("g1");
            assertThat(f.header("service")).isEqualTo(io.xmesh.codec.dubbo.interop.GreetingService.class.getName());
            f.setRequestId(99);
            byte[] rebuilt = bytes(f);
            Map<String, Object> att = attachmentsByTheLibrary(ser, rebuilt, 1);
            assertThat(att).containsEntry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .containsEntry("timeout", "5000").containsEntry("x-note", "é€ non-ascii").containsEntry("group", "g1");
            // only the attachments changed: the header (but length and id) and the leading values are intact
            assertThat(Arrays.copyOfRange(rebuilt, 0, 4)).isEqualTo(Arrays.copyOfRange(golden, 0, 4));
            assertThat(ByteBuffer.wrap(rebuilt).getLong(4)).isEqualTo(99);
            // the other frame of the same read is untouched
            assertThat(bytes(other)).isEqualTo(golden);
            assertThat(other.header("timeout")).isEqualTo("3000");
            // the rebuilt frame decodes again
            EmbeddedChannel again = new EmbeddedChannel();
            protocol.initChannel(again.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
            again.writeInbound(Unpooled.wrappedBuffer(rebuilt));
            DubboFrame g = again.readInbound();
            try {
                assertThat(g.header("traceparent")).startsWith("00-4bf9");
                assertThat(g.header("x-note")).isEqualTo("é€ non-ascii");
            } finally {
                g.release();
            }
            assertFalse(again.finish());
        } finally {
            f.release();
            other.release();
        }
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void notForResponsesHeartbeatsOrUnreadableBodies(String ser) {
        for (String file : List.of(ser + "-greet-string-response.hex", ser + "-heartbeat-request.hex")) {
            DubboFrame f = protocol.wrap(Unpooled.wrappedBuffer(GoldenVectors.load(file).bytes()));
            try {
                assertThat(f.setHeader("a", "b")).isFalse();
            } finally {
                f.release();
            }
        }
        byte[] golden = GoldenVectors.load(ser + "-greet-string-request.hex").bytes();
        byte[] cut = Arrays.copyOf(golden, golden.length - 3);
        ByteBuffer.wrap(cut).putInt(12, cut.length - 16);
        DubboFrame f = protocol.wrap(Unpooled.wrappedBuffer(cut));
        try {
            assertThat(f.setHeader("a", "b")).isFalse();
            assertThat(bytes(f)).isEqualTo(cut);
        } finally {
            f.release();
        }
    }
}
