package io.xmesh.codec.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.fastjson2.JSONB;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeats, heartbeat replies and error replies built by the proxy. */
class DubboRepliesTest {
    final DubboProtocol protocol = new DubboProtocol();
    final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

    static byte[] bytes(XFrame f) {
        ByteBuf c = f.content();
        byte[] b = new byte[c.readableBytes()];
        c.getBytes(c.readerIndex(), b);
        return b;
    }

    @Test
    void heartbeatReplyMatchesDubbosBytes() {
        DubboFrame hb = protocol.wrap(Unpooled.copiedBuffer(DubboFrameDecoderTest.HEARTBEAT));
        XFrame reply = protocol.heartbeatReply(hb, alloc);
        try {
            assertThat(TestFrames.hex(bytes(reply))).isEqualTo(TestFrames.hex(DubboFrameDecoderTest.HEARTBEAT_REPLY));
            assertThat(reply.kind()).isEqualTo(FrameKind.HEARTBEAT_REPLY);
            assertThat(reply.requestId()).isEqualTo(hb.requestId());
        } finally {
            hb.release();
            reply.release();
        }
    }

    @Test
    void fastjson2HeartbeatReplyCarriesJsonbNull() {
        byte[] body = {0, 0, 0, 1, (byte) 0xaf};
        assertThat(body).isEqualTo(TestFrames.fastjson2((Object) null)); // Dubbo's writeObject(null)
        DubboFrame hb = protocol.wrap(Unpooled.wrappedBuffer(TestFrames.frame(0xe0 | 23, 0, -3, body)));
        XFrame reply = protocol.heartbeatReply(hb, alloc);
        try {
            assertThat(bytes(reply)).isEqualTo(TestFrames.frame(0x20 | 23, 20, -3, body));
        } finally {
            hb.release();
            reply.release();
        }
    }

    @Test
    void heartbeatForUpstreams() {
        XFrame hb = protocol.heartbeat(0xa89ac0419a214879L, alloc);
        try {
            assertThat(bytes(hb)).isEqualTo(DubboFrameDecoderTest.HEARTBEAT);
            assertThat(hb.kind()).isEqualTo(FrameKind.HEARTBEAT);
        } finally {
            hb.release();
        }
    }

    @Test
    void goAwayIsDubbosReadonlyEvent() {
        XFrame f = protocol.goAway(alloc);
        try {
            assertThat(TestFrames.hex(bytes(f))).isEqualTo("dabba2000000000000000000000000020152");
            assertThat(f.kind()).isEqualTo(FrameKind.ONEWAY);
            assertThat(((DubboFrame) f).isEvent()).isTrue();
            assertThat(f.header("service")).isNull();
        } finally {
            f.release();
        }
    }

    @Test
    void statusMapping() {
        assertThat(DubboProtocol.statusOf(ErrorKind.NO_ROUTE)).isEqualTo(60);
        assertThat(DubboProtocol.statusOf(ErrorKind.NO_HEALTHY_HOST)).isEqualTo(60);
        assertThat(DubboProtocol.statusOf(ErrorKind.CONNECT_FAILED)).isEqualTo(80);
        assertThat(DubboProtocol.statusOf(ErrorKind.UPSTREAM_RESET)).isEqualTo(80);
        assertThat(DubboProtocol.statusOf(ErrorKind.INTERNAL)).isEqualTo(80);
        assertThat(DubboProtocol.statusOf(ErrorKind.TIMEOUT)).isEqualTo(31);
        assertThat(DubboProtocol.statusOf(ErrorKind.RATE_LIMITED)).isEqualTo(100);
        assertThat(DubboProtocol.statusOf(ErrorKind.OVERLOADED)).isEqualTo(100);
        assertThat(DubboProtocol.statusOf(ErrorKind.BAD_REQUEST)).isEqualTo(40);
        assertThat(DubboProtocol.statusOf(ErrorKind.REJECTED)).isEqualTo(70);
    }

    static String[] messages() {
        char[] big = new char[70_000];
        Arrays.fill(big, 'x');
        big[40_000] = '€';
        big[32_767] = '\ud83d'; // a surrogate pair across a hessian chunk boundary
        big[32_768] = '\ude00';
        return new String[]{"xmesh: no route for service com.acme.Greeter version 1.0.0", "", "é€ 漢字",
                "x".repeat(31), "x".repeat(32), "y".repeat(1023), "y".repeat(1024), "z".repeat(47), "z".repeat(48),
                "z".repeat(3000), new String(big).substring(0, DubboProtocol.MAX_MESSAGE_CHARS)};
    }

    @Test
    void hessianErrorReplyIsReadByHessianLite() throws Exception {
        for (String m : messages()) {
            for (ErrorKind kind : ErrorKind.values()) {
                XFrame f = protocol.errorReply(protocol.replyTemplate(2), 1234L, kind, m, alloc);
                try {
                    byte[] b = bytes(f);
                    assertThat(f.kind()).isEqualTo(FrameKind.RESPONSE);
                    assertThat(b[2]).isEqualTo((byte) 0x02);
                    assertThat(f.status()).isEqualTo(DubboProtocol.statusOf(kind));
                    assertThat(f.requestId()).isEqualTo(1234L);
                    assertThat(f.isServerError()).isTrue();
                    assertThat(ByteBuffer.wrap(b).getInt(12)).isEqualTo(b.length - 16);
                    Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(b, 16, b.length - 16));
                    assertThat(in.readString()).isEqualTo(m);
                } finally {
                    f.release();
                }
            }
        }
    }

    @Test
    void longMessagesAreCut() throws Exception {
        String m = "w".repeat(100_000);
        XFrame f = protocol.errorReply(protocol.replyTemplate(2), 1, ErrorKind.INTERNAL, m, alloc);
        try {
            byte[] b = bytes(f);
            Hessian2Input in = new Hessian2Input(new ByteArrayInputStream(b, 16, b.length - 16));
            assertThat(in.readString()).isEqualTo(m.substring(0, DubboProtocol.MAX_MESSAGE_CHARS));
        } finally {
            f.release();
        }
    }

    @Test
    void fastjson2ErrorReplyIsReadByFastjson2() {
        for (String m : messages()) {
            XFrame f = protocol.errorReply(protocol.replyTemplate(23), -9L, ErrorKind.NO_ROUTE, m, alloc);
            try {
                byte[] b = bytes(f);
                assertThat(b[2]).isEqualTo((byte) 23);
                assertThat(b[3]).isEqualTo((byte) 60);
                ByteBuffer bb = ByteBuffer.wrap(b);
                int len = bb.getInt(16);
                assertThat(len).isEqualTo(b.length - 20);
                assertThat(JSONB.parseObject(Arrays.copyOfRange(b, 20, b.length), String.class)).isEqualTo(m);
            } finally {
                f.release();
            }
        }
    }

    @Test
    void otherSerializationsGetAHessianErrorReply() throws Exception {
        XFrame f = protocol.errorReply(protocol.replyTemplate(3), 8, ErrorKind.BAD_REQUEST, "xmesh: nope", alloc);
        try {
            byte[] b = bytes(f);
            assertThat(b[2]).isEqualTo((byte) 2);
            assertThat(new Hessian2Input(new ByteArrayInputStream(b, 16, b.length - 16)).readString()).isEqualTo("xmesh: nope");
        } finally {
            f.release();
        }
    }
}
