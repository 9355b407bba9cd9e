package io.xmesh.codec.dubbo;

import io.xmesh.testkit.CorruptSample;
import io.xmesh.testkit.FrameSample;
import io.xmesh.testkit.XProtocolContractTest;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XProtocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The testkit's codec contract, run on golden frames captured from real Apache Dubbo 3.3.6. */
class DubboContractTest extends XProtocolContractTest {

    @Override
    protected XProtocol protocol() {
        return new DubboProtocol();
    }

    private static FrameSample sample(String file) {
        GoldenVectors.Golden g = GoldenVectors.load(file);
        byte[] b = g.bytes();
        FrameSample s = FrameSample.of(file, FrameKind.valueOf(g.expect().get("kind")), ByteBuffer.wrap(b).getLong(4), b);
        for (Map.Entry<String, String> e : g.expect().entrySet()) {
            switch (e.getKey()) {
                case "kind" -> { }
                case "status" -> s = s.withStatus(Integer.parseInt(e.getValue()));
                default -> s = s.withHeader(e.getKey(), "<null>".equals(e.getValue()) ? null : e.getValue());
            }
        }
        return s;
    }

    @Override
    protected List<FrameSample> serverInbound() {
        List<FrameSample> out = new ArrayList<>();
        for (String ser : new String[]{"hessian2", "fastjson2"}) {
            // kept few: the kit splits every sample at every point (the golden tests cover the rest)
            out.add(sample(ser + "-grouped-greet-request.hex"));
            out.add(sample(ser + "-heartbeat-request.hex"));
        }
        return out;
    }

    @Override
    protected List<FrameSample> clientInbound() {
        List<FrameSample> out = new ArrayList<>();
        for (String ser : new String[]{"hessian2", "fastjson2"}) {
            out.add(sample(ser + "-greet-string-response.hex"));
            out.add(sample(ser + "-heartbeat-reply.hex"));
        }
        out.add(sample("hessian2-wrong-version-response.hex"));
        return out;
    }

    @Override
    protected List<CorruptSample> corruptSamples() {
        byte[] greet = GoldenVectors.load("hessian2-greet-string-request.hex").bytes();
        byte[] negative = greet.clone();
        ByteBuffer.wrap(negative).putInt(12, -1);
        byte[] badMagic = greet.clone();
        badMagic[1] = 0x00;
        return List.of(
                CorruptSample.server("negative body length", negative),
                CorruptSample.server("wrong second magic byte", badMagic),
                CorruptSample.client("wrong first magic byte", TestFrames.hex("0000c2000000000000000001000000004e")));
    }

    @Override
    protected Map<String, byte[]> foreignSamples() {
        Map<String, byte[]> m = super.foreignSamples();
        m.remove("dubbo");
        return m;
    }

    @Override
    protected List<CorruptSample> oversizeHeaders(int maxFrameLength) {
        byte[] header = TestFrames.frame(0xc2, 0, 77, new byte[0]);
        ByteBuffer.wrap(header).putInt(12, maxFrameLength - 15); // 16 + (max - 15) = max + 1
        return List.of(CorruptSample.server("one byte over the limit", header));
    }
}
