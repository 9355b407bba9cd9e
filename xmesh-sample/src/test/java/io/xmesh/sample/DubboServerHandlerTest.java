package io.xmesh.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The sample Dubbo handler on an EmbeddedChannel: golden vectors, framing, one-way, errors. */
class DubboServerHandlerTest {
    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new SampleDubboServer.DubboServerHandler());
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ByteBuf out = Unpooled.buffer();
        try {
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.writeBytes(b);
                b.release();
            }
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void answersAHeartbeatExactlyLikeDubbo() {
        // captured from Apache Dubbo 3.3.6 (dubbo-facts.md): request and its response
        byte[] request = ByteBufUtil.decodeHexDump("dabbe200a89ac0419a21487900000001" + "4e");
        byte[] expected = ByteBufUtil.decodeHexDump("dabb2214a89ac0419a21487900000001" + "4e");
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(request));
        assertThat(ByteBufUtil.hexDump(drain(ch))).isEqualTo(ByteBufUtil.hexDump(expected));
        assertFalse(ch.finish());
    }

    @Test
    void answersAGreetingFedInFragmentsAndPipelinedWithTheRightIds() {
        byte[] a = DubboDemoClient.greetRequestFrame(-7L, GreetingService.NAME, "a", 3000);
        byte[] b = DubboDemoClient.greetRequestFrame(Long.MAX_VALUE, GreetingService.NAME, "b", 3000);
        ByteBuf both = Unpooled.buffer().writeBytes(a).writeBytes(b);
        EmbeddedChannel ch = channel();
        try {
            for (int i = 0; i < both.readableBytes(); i += 7) {
                ch.writeInbound(both.retainedSlice(i, Math.min(7, both.readableBytes() - i)));
            }
        } finally {
            both.release();
        }
        byte[] out = drain(ch);
        ByteBuf o = Unpooled.wrappedBuffer(out);
        int firstLength = 16 + o.getInt(12);
        byte[] first = java.util.Arrays.copyOfRange(out, 0, firstLength);
        byte[] second = java.util.Arrays.copyOfRange(out, firstLength, out.length);
        DubboDemoClient.Reply r1 = DubboDemoClient.decodeResponse(first);
        DubboDemoClient.Reply r2 = DubboDemoClient.decodeResponse(second);
        assertThat(r1.id()).isEqualTo(-7L);
        assertThat(r1.value()).isEqualTo("Hello, a");
        assertThat(r2.id()).isEqualTo(Long.MAX_VALUE);
        assertThat(r2.value()).isEqualTo("Hello, b");
        // response header: flag 0x02 (response, hessian2), status 20
        assertThat(out[2]).isEqualTo((byte) 0x02);
        assertThat(out[3]).isEqualTo((byte) 20);
        assertFalse(ch.finish());
    }

    @Test
    void oneWayRequestsAreNotAnswered() {
        byte[] frame = DubboDemoClient.greetRequestFrame(1L, GreetingService.NAME, "a", 3000);
        frame[2] = (byte) (DubboWire.FLAG_REQUEST | DubboWire.HESSIAN2);
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        assertThat(drain(ch)).isEmpty();
        assertFalse(ch.finish());
    }

    @Test
    void olderDubboVersionsGetFlag1WithoutAttachments() {
        ByteBuf body = Unpooled.buffer();
        DubboWire.writeString(body, "2.0.0");
        DubboWire.writeString(body, GreetingService.NAME);
        DubboWire.writeString(body, "0.0.0");
        DubboWire.writeString(body, "greet");
        DubboWire.writeString(body, "Ljava/lang/String;");
        DubboWire.writeString(body, "old");
        body.writeByte('H').writeByte('Z');
        ByteBuf frame = Unpooled.buffer();
        DubboWire.writeHeader(frame, 0xc2, 0, 5L, body.readableBytes());
        frame.writeBytes(body);
        body.release();
        EmbeddedChannel ch = channel();
        ch.writeInbound(frame);
        DubboDemoClient.Reply r = DubboDemoClient.decodeResponse(drain(ch));
        assertThat(r.responseFlag()).isEqualTo(DubboWire.RESPONSE_VALUE);
        assertThat(r.value()).isEqualTo("Hello, old");
        assertFalse(ch.finish());
    }

    @Test
    void otherSerializationsAreBadRequestsAndUnknownMethodsServiceErrors() {
        byte[] fastjson = DubboDemoClient.greetRequestFrame(2L, GreetingService.NAME, "a", 3000);
        fastjson[2] = (byte) (0xc0 | 23);
        ByteBuf unknownMethod = Unpooled.buffer();
        DubboWire.writeString(unknownMethod, "2.0.2");
        DubboWire.writeString(unknownMethod, GreetingService.NAME);
        DubboWire.writeString(unknownMethod, "0.0.0");
        DubboWire.writeString(unknownMethod, "shout");
        DubboWire.writeString(unknownMethod, "");
        unknownMethod.writeByte('H').writeByte('Z');
        ByteBuf frame = Unpooled.buffer();
        DubboWire.writeHeader(frame, 0xc2, 0, 3L, unknownMethod.readableBytes());
        frame.writeBytes(unknownMethod);
        unknownMethod.release();

        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(fastjson));
        DubboDemoClient.Reply r = DubboDemoClient.decodeResponse(drain(ch));
        assertThat(r.id()).isEqualTo(2L);
        assertThat(r.status()).isEqualTo(DubboWire.BAD_REQUEST);
        assertThat(r.errorMessage()).contains("serialization id 23");
        ch.writeInbound(frame);
        r = DubboDemoClient.decodeResponse(drain(ch));
        assertThat(r.id()).isEqualTo(3L);
        assertThat(r.status()).isEqualTo(DubboWire.SERVICE_ERROR);
        assertThat(r.errorMessage()).contains("No such method shout");
        assertFalse(ch.finish());
    }

    @Test
    void garbageBodyIsABadRequest() {
        ByteBuf frame = Unpooled.buffer();
        DubboWire.writeHeader(frame, 0xc2, 0, 9L, 3);
        frame.writeBytes(new byte[] {(byte) 0x91, 0x01, 0x02});
        EmbeddedChannel ch = channel();
        ch.writeInbound(frame);
        DubboDemoClient.Reply r = DubboDemoClient.decodeResponse(drain(ch));
        assertThat(r.status()).isEqualTo(DubboWire.BAD_REQUEST);
        assertThat(r.errorMessage()).startsWith("Fail to decode request");
        assertFalse(ch.finish());
    }

    @Test
    void badMagicOrOversizedBodyClosesTheConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("474554202f20485454502f312e310d0a")));
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finish());

        EmbeddedChannel ch2 = channel();
        ByteBuf big = Unpooled.buffer();
        DubboWire.writeHeader(big, 0xc2, 0, 1L, DubboWire.MAX_BODY_LENGTH + 1);
        ch2.writeInbound(big);
        assertThat(ch2.isOpen()).isFalse();
        assertFalse(ch2.finish());
    }
}
