package io.xmesh.codec.dubbo;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.fastjson2.JSONB;
import com.alibaba.fastjson2.JSONWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds Dubbo frames for unit tests with the real serialization libraries (hessian-lite's
 * {@link Hessian2Output}, fastjson2's {@link JSONB} with the features Apache Dubbo 3.3.6 passes),
 * in the layout of Dubbo's {@code DubboCodec.encodeRequestData}. Golden vectors captured from a
 * real Dubbo are in {@code src/test/resources/golden}; these builders add shapes those don't
 * cover.
 */
final class TestFrames {
    private TestFrames() {
    }

    /** The features FastJson2ObjectOutput (Dubbo 3.3.6) passes to JSONB.toBytes. */
    static final JSONWriter.Feature[] DUBBO_FASTJSON2_FEATURES = {
            JSONWriter.Feature.WriteClassName, JSONWriter.Feature.FieldBased,
            JSONWriter.Feature.ErrorOnNoneSerializable, JSONWriter.Feature.ReferenceDetection,
            JSONWriter.Feature.WriteNulls, JSONWriter.Feature.NotWriteDefaultValue,
            JSONWriter.Feature.NotWriteHashMapArrayListClassName, JSONWriter.Feature.WriteNameAsSymbol};

    static byte[] hessian(Object... values) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            Hessian2Output out = new Hessian2Output(bos);
            for (Object v : values) {
                out.writeObject(v);
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] fastjson2(Object... values) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (Object v : values) {
            byte[] doc = JSONB.toBytes(v, DUBBO_FASTJSON2_FEATURES);
            bos.writeBytes(ByteBuffer.allocate(4).putInt(doc.length).array());
            bos.writeBytes(doc);
        }
        return bos.toByteArray();
    }

    static byte[] frame(int flag, int status, long id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.putShort((short) 0xdabb).put((byte) flag).put((byte) status).putLong(id).putInt(body.length).put(body);
        return b.array();
    }

    static Map<String, Object> attachments(String service, String version, String group) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", service);
        m.put("remote.application", "unit-consumer");
        m.put("interface", service);
        m.put("version", version);
        if (group != null) {
            m.put("group", group);
        }
        m.put("timeout", "3000");
        return m;
    }

    /**
     * A request frame: dubbo "2.0.2", service, version, method, descriptor, args, attachments.
     *
     * @param serialization 2 or 23
     */
    static byte[] request(int serialization, long id, String service, String version, String method,
                          String desc, Object[] args, Map<String, Object> attachments) {
        Object[] values = new Object[6 + args.length];
        values[0] = "2.0.2";
        values[1] = service;
        values[2] = version;
        values[3] = method;
        values[4] = desc;
        System.arraycopy(args, 0, values, 5, args.length);
        values[5 + args.length] = attachments;
        byte[] body = serialization == 2 ? hessian(values) : fastjson2(values);
        return frame(0xc0 | serialization, 0, id, body);
    }

    static byte[] greet(int serialization, long id, String group) {
        return request(serialization, id, "interop.GreetingService", "1.2.3", "greet", "Ljava/lang/String;",
                new Object[]{"n0-abcdefgh"}, attachments("interop.GreetingService", "1.2.3", group));
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
