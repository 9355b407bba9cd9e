package io.xmesh.testkit.toy;

import io.xmesh.testkit.CorruptSample;
import io.xmesh.testkit.FrameSample;
import io.xmesh.testkit.HexVectors;
import io.xmesh.testkit.XProtocolContractTest;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XProtocol;

import java.util.List;
import java.util.Map;

/** The toy codec passes the contract; subclasses in {@link ContractCatchesBrokenCodecsTest} must not. */
public class ToyProtocolContractTest extends XProtocolContractTest {

    static final Map<String, byte[]> VECTORS = HexVectors.resourceSections(ToyProtocolContractTest.class, "toy-vectors.hex");

    @Override
    protected XProtocol protocol() {
        return new ToyProtocol();
    }

    @Override
    protected List<FrameSample> serverInbound() {
        return List.of(
                FrameSample.of("request", FrameKind.REQUEST, 7, VECTORS.get("request")).withHeader(RoutingHeaders.SERVICE, "demo"),
                FrameSample.of("oneway", FrameKind.ONEWAY, 8, VECTORS.get("oneway")).withHeader(RoutingHeaders.SERVICE, "x"),
                FrameSample.of("heartbeat", FrameKind.HEARTBEAT, 9, VECTORS.get("heartbeat")));
    }

    @Override
    protected List<FrameSample> clientInbound() {
        return List.of(
                FrameSample.of("response", FrameKind.RESPONSE, 7, VECTORS.get("response")).withStatus(0)
                        .withHeader(RoutingHeaders.SERVICE, null),
                FrameSample.of("heartbeat reply", FrameKind.HEARTBEAT_REPLY, 9, VECTORS.get("heartbeat-reply")));
    }

    @Override
    protected List<CorruptSample> corruptSamples() {
        return List.of(
                CorruptSample.server("bad magic", VECTORS.get("bad-magic")),
                CorruptSample.server("response sent to a server", VECTORS.get("response")),
                CorruptSample.client("request sent to a client", VECTORS.get("request")));
    }

    @Override
    protected long[] rewrittenRequestIds() {
        return new long[] {1, 0xFFFF_FFFFL};
    }

    @Override
    protected List<CorruptSample> oversizeHeaders(int maxFrameLength) {
        return List.of(CorruptSample.server("2 GiB body", HexVectors.parse("54 59 01 00000001 0000 7fffffff")));
    }
}
