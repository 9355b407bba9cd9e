package io.xmesh.examples.xrpc;

import io.xmesh.testkit.CorruptSample;
import io.xmesh.testkit.FrameSample;
import io.xmesh.testkit.HexVectors;
import io.xmesh.testkit.XProtocolContractTest;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XProtocol;

import java.util.List;
import java.util.Map;

/** xrpc against the xmesh codec contract, on the golden vectors of {@code xrpc-vectors.hex}. */
class XrpcContractTest extends XProtocolContractTest {

    static final Map<String, byte[]> V = HexVectors.resourceSections(XrpcContractTest.class, "xrpc-vectors.hex");

    @Override
    protected XProtocol protocol() {
        return new XrpcProtocol();
    }

    @Override
    protected List<FrameSample> serverInbound() {
        return List.of(
                FrameSample.of("request", FrameKind.REQUEST, 7, V.get("request"))
                        .withHeader(RoutingHeaders.SERVICE, "demo.Echo").withHeader(RoutingHeaders.METHOD, "echo")
                        .withHeader(RoutingHeaders.VERSION, null).withStatus(0),
                FrameSample.of("one-way request", FrameKind.ONEWAY, 8, V.get("oneway"))
                        .withHeader(RoutingHeaders.SERVICE, "demo.Echo").withHeader(RoutingHeaders.METHOD, "log"),
                FrameSample.of("heartbeat", FrameKind.HEARTBEAT, 9, V.get("heartbeat"))
                        .withHeader(RoutingHeaders.SERVICE, null),
                FrameSample.of("request with a 64-bit id", FrameKind.REQUEST, 0xfedcba9876543210L, V.get("big-id-request"))
                        .withHeader(RoutingHeaders.SERVICE, "s").withHeader(RoutingHeaders.METHOD, "m"));
    }

    @Override
    protected List<FrameSample> clientInbound() {
        return List.of(
                FrameSample.of("response", FrameKind.RESPONSE, 7, V.get("response")).withStatus(XrpcStatus.OK),
                FrameSample.of("error response", FrameKind.RESPONSE, 10, V.get("error-response"))
                        .withStatus(XrpcStatus.NOT_FOUND),
                FrameSample.of("heartbeat reply", FrameKind.HEARTBEAT_REPLY, 9, V.get("heartbeat-reply")));
    }

    @Override
    protected List<CorruptSample> corruptSamples() {
        return List.of(
                CorruptSample.server("bad magic", V.get("bad-magic")),
                CorruptSample.server("bad version", V.get("bad-version")),
                CorruptSample.server("unknown flag", V.get("unknown-flag")),
                CorruptSample.client("one-way response", V.get("oneway-response")),
                CorruptSample.server("request with a status", V.get("request-with-status")),
                CorruptSample.server("heartbeat with a service", V.get("heartbeat-with-service")),
                CorruptSample.server("request without a method", V.get("request-without-method")),
                CorruptSample.server("response arriving at a listener", V.get("response")),
                CorruptSample.client("request arriving from an upstream", V.get("request")));
    }

    @Override
    protected long[] rewrittenRequestIds() {
        return new long[] {1, Integer.MAX_VALUE, 0x0102030405060708L, -1L, Long.MIN_VALUE};
    }

    @Override
    protected List<CorruptSample> oversizeHeaders(int maxFrameLength) {
        return List.of(CorruptSample.server("4 GiB payload", V.get("huge-header")));
    }
}
