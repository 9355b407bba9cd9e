package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every golden frame captured from real Apache Dubbo 3.3.6 decodes to what the capture says. */
class GoldenVectorsTest {
    final DubboProtocol protocol = new DubboProtocol();

    static List<GoldenVectors.Golden> goldens() {
        return GoldenVectors.all();
    }

    @Test
    void theCaptureCoversBothSerializationsAndEveryShape() {
        List<String> names = goldens().stream().map(GoldenVectors.Golden::name).toList();
        for (String ser : new String[]{"hessian2", "fastjson2"}) {
            for (String shape : new String[]{"greet-string", "echo-bytes", "complex-map", "person-pojo", "describe-null",
                    "fail-business-exception", "grouped-greet", "wrong-version", "wrong-group"}) {
                assertThat(names).contains(ser + "-" + shape + "-request.hex", ser + "-" + shape + "-response.hex");
            }
            assertThat(names).contains(ser + "-heartbeat-request.hex", ser + "-heartbeat-reply.hex");
        }
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void decodesAsCaptured(GoldenVectors.Golden g) {
        EmbeddedChannel ch = new EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        ch.writeInbound(Unpooled.wrappedBuffer(g.bytes()));
        DubboFrame f = ch.readInbound();
        assertThat((Object) ch.readInbound()).isNull();
        try {
            for (Map.Entry<String, String> e : g.expect().entrySet()) {
                String expected = "<null>".equals(e.getValue()) ? null : e.getValue();
                switch (e.getKey()) {
                    case "kind" -> assertThat(f.kind()).isEqualTo(FrameKind.valueOf(expected));
                    case "status" -> {
                        assertThat(f.status()).isEqualTo(Integer.parseInt(expected));
                        assertThat(f.isServerError()).isEqualTo(f.status() != 20);
                    }
                    default -> assertThat(f.header(e.getKey())).as(e.getKey()).isEqualTo(expected);
                }
            }
            // forwarding: the encoder writes exactly the captured bytes, with the id rewritten
            long id = f.requestId();
            f.setRequestId(id ^ 0x5a5a5a5aL);
            f.setRequestId(id);
            ch.writeOutbound(f.retain());
            ByteBuf out = ch.readOutbound();
            try {
                byte[] b = new byte[out.readableBytes()];
                out.readBytes(b);
                assertThat(b).isEqualTo(g.bytes());
            } finally {
                out.release();
            }
        } finally {
            f.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void ourHeartbeatRepliesAreByteIdenticalToTheProviders() {
        for (String ser : new String[]{"hessian2", "fastjson2"}) {
            byte[] request = GoldenVectors.load(ser + "-heartbeat-request.hex").bytes();
            byte[] reply = GoldenVectors.load(ser + "-heartbeat-reply.hex").bytes();
            DubboFrame hb = protocol.wrap(Unpooled.wrappedBuffer(request));
            XFrame ours = protocol.heartbeatReply(hb, ByteBufAllocator.DEFAULT);
            try {
                assertThat(hb.kind()).isEqualTo(FrameKind.HEARTBEAT);
                assertThat(DubboRepliesTest.bytes(ours)).as(ser).isEqualTo(reply);
            } finally {
                hb.release();
                ours.release();
            }
        }
    }

    @Test
    void hessianHeartbeatMatchesWhatDubboConsumersSend() {
        byte[] request = GoldenVectors.load("hessian2-heartbeat-request.hex").bytes();
        long id = java.nio.ByteBuffer.wrap(request).getLong(4);
        XFrame ours = protocol.heartbeat(id, ByteBufAllocator.DEFAULT);
        try {
            assertThat(DubboRepliesTest.bytes(ours)).isEqualTo(request);
        } finally {
            ours.release();
        }
    }
}
