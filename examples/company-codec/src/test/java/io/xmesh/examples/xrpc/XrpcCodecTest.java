package io.xmesh.examples.xrpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.testkit.EmbeddedChannels;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.xmesh.examples.xrpc.XrpcContractTest.V;
import static org.assertj.core.api.Assertions.assertThat;

/** xrpc specifics beyond the shared contract. */
class XrpcCodecTest {

    private final XrpcProtocol xrpc = new XrpcProtocol();

    @Test
    void writerProducesTheGoldenVectors() {
        ByteBuf request = XrpcWire.writeFrame(ByteBufAllocator.DEFAULT, 0, 7, 0, "demo.Echo", "echo", "hi".getBytes());
        ByteBuf heartbeat = XrpcWire.writeFrame(ByteBufAllocator.DEFAULT, XrpcWire.FLAG_HEARTBEAT, 9, 0, "", "", new byte[0]);
        try {
            assertThat(ByteBufUtil.getBytes(request)).isEqualTo(V.get("request"));
            assertThat(ByteBufUtil.getBytes(heartbeat)).isEqualTo(V.get("heartbeat"));
        } finally {
            request.release();
            heartbeat.release();
        }
    }

    @Test
    void errorReplyCarriesTheMappedStatusAndTheMessage() {
        XFrame reply = xrpc.errorReply(XrpcReplyTemplate.INSTANCE, 10, ErrorKind.NO_ROUTE, "no method x", ByteBufAllocator.DEFAULT);
        try {
            assertThat(ByteBufUtil.getBytes(reply.content())).isEqualTo(V.get("error-response"));
            assertThat(reply.isServerError()).isFalse();
        } finally {
            reply.release();
        }
        // the engine answers undecodable requests with errorReply(null, id, BAD_REQUEST, ...): no template needed
        XFrame bad = xrpc.errorReply(null, 11, ErrorKind.BAD_REQUEST, "xmesh: bad request", ByteBufAllocator.DEFAULT);
        try {
            assertThat(bad.status()).isEqualTo(XrpcStatus.BAD_REQUEST);
            assertThat(bad.requestId()).isEqualTo(11);
        } finally {
            bad.release();
        }
        assertThat(XrpcStatus.of(ErrorKind.TIMEOUT)).isEqualTo(XrpcStatus.TIMEOUT);
        assertThat(XrpcStatus.isServerError(XrpcStatus.of(ErrorKind.UPSTREAM_RESET))).isTrue();
        assertThat(XrpcStatus.isServerError(XrpcStatus.of(ErrorKind.RATE_LIMITED))).isFalse();
    }

    @Test
    void requestWithoutMethodIsSkippedWithItsIdAndTheNextFrameStillDecodes() {
        EmbeddedChannel ch = EmbeddedChannels.open(xrpc, ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        List<XFrame> frames = new ArrayList<>();
        try {
            byte[] bad = V.get("request-without-method");
            byte[] good = V.get("request");
            byte[] both = new byte[bad.length + good.length];
            System.arraycopy(bad, 0, both, 0, bad.length);
            System.arraycopy(good, 0, both, bad.length, good.length);
            ch.writeInbound(EmbeddedChannels.buffer(both));
            frames.addAll(EmbeddedChannels.readFrames(ch));
            List<Throwable> errors = EmbeddedChannels.exceptions(ch);
            assertThat(errors).hasSize(1);
            CodecException e = (CodecException) errors.get(0);
            assertThat(e.isFatal()).isFalse();
            assertThat(e.requestId()).isEqualTo(11);
            assertThat(frames).hasSize(1);
            assertThat(frames.get(0).requestId()).isEqualTo(7);
        } finally {
            EmbeddedChannels.releaseAll(frames);
            EmbeddedChannels.finishClean(ch);
        }
    }

    @Test
    void fatalErrorDiscardsEverythingAfterIt() {
        EmbeddedChannel ch = EmbeddedChannels.open(xrpc, ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        try {
            ch.writeInbound(EmbeddedChannels.buffer(V.get("bad-version")));
            ch.writeInbound(EmbeddedChannels.buffer(V.get("request")));
            assertThat(EmbeddedChannels.readFrames(ch)).isEmpty();
            assertThat(EmbeddedChannels.exceptions(ch)).hasSize(1);
            assertThat(((CodecException) EmbeddedChannels.exceptions(ch).get(0)).isFatal()).isTrue();
        } finally {
            EmbeddedChannels.finishClean(ch);
        }
    }

    @Test
    void invalidUtf8NameFailsTheHeaderLookupNotTheConnection() {
        byte[] b = V.get("big-id-request");
        b[XrpcWire.HEADER_LENGTH] = (byte) 0xC3; // a lone UTF-8 lead byte as the service name
        EmbeddedChannel ch = EmbeddedChannels.open(xrpc, ProtocolSide.SERVER, CodecOptions.DEFAULTS);
        List<XFrame> frames = new ArrayList<>();
        try {
            ch.writeInbound(EmbeddedChannels.buffer(b));
            frames.addAll(EmbeddedChannels.readFrames(ch));
            assertThat(frames).hasSize(1);
            XFrame f = frames.get(0);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.header(RoutingHeaders.SERVICE))
                    .isInstanceOf(CodecException.class).hasMessageContaining("not valid UTF-8");
            assertThat(f.header(RoutingHeaders.METHOD)).isEqualTo("m");
        } finally {
            EmbeddedChannels.releaseAll(frames);
            EmbeddedChannels.finishClean(ch);
        }
    }
}
