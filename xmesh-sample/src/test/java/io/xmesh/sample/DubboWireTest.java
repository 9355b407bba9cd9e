package io.xmesh.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written hessian2 string codec agrees with hessian-lite byte for byte, both ways. */
class DubboWireTest {
    static final List<String> SAMPLES = List.of("", "a", "x".repeat(31), "x".repeat(32), "y".repeat(1023),
            "y".repeat(1024), "z".repeat(0x8000), "z".repeat(0x8001), "é".repeat(70000),
            "c".repeat(0x7fff) + "\uD83D\uDE00" + "tail", "Grüße, 世界 \uD83D\uDE00");

    private static byte[] hessianLite(String s) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeString(s);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void writeStringMatchesHessianLite() throws Exception {
        for (String s : SAMPLES) {
            ByteBuf ours = Unpooled.buffer();
            try {
                DubboWire.writeString(ours, s);
                assertThat(ByteBufUtil.getBytes(ours)).as("length %d", s.length()).isEqualTo(hessianLite(s));
            } finally {
                ours.release();
            }
        }
    }

    @Test
    void readStringReadsWhatHessianLiteWrites() throws Exception {
        for (String s : SAMPLES) {
            ByteBuf in = Unpooled.wrappedBuffer(hessianLite(s));
            assertThat(DubboWire.readString(in)).isEqualTo(s);
            assertThat(in.isReadable()).isFalse();
            ByteBuf ours = Unpooled.buffer();
            DubboWire.writeString(ours, s);
            assertThat(new Hessian2Input(new ByteArrayInputStream(ByteBufUtil.getBytes(ours))).readString()).isEqualTo(s);
            ours.release();
        }
    }

    @Test
    void versionsThatGetResponseAttachments() {
        assertThat(DubboWire.supportsResponseAttachments("2.0.2")).isTrue();
        assertThat(DubboWire.supportsResponseAttachments("2.0.99")).isTrue();
        assertThat(DubboWire.supportsResponseAttachments("2.0.0")).isFalse();
        assertThat(DubboWire.supportsResponseAttachments("2.0.1")).isFalse();
        assertThat(DubboWire.supportsResponseAttachments("")).isFalse();
        assertThat(DubboWire.supportsResponseAttachments(null)).isFalse();
        assertThat(DubboWire.supportsResponseAttachments("x.y")).isFalse();
    }
}
