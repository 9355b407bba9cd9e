package io.xmesh.codec.dubbo;

import com.alibaba.fastjson2.JSONB;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.xmesh.codec.dubbo.internal.Hessian2Reader;
import io.xmesh.codec.dubbo.internal.JsonbReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The skippers against the real serializers: any value written by hessian-lite (as Dubbo's
 * hessian2) or by fastjson2 JSONB with Dubbo 3.3.6's features is walked exactly to its end,
 * and strings read back equal to what the library itself reads.
 */
class SkipperPropertiesTest {

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.integers().between(1000, 40_000).map(n -> (Object) ("é".repeat(n % 7) + "x".repeat(n))),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.integers().between(-300_000, 300_000).map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.longs().between(-300_000, 300_000).map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(0.0, 1.0, 0.5, -2.0, 127.0, 32767.0, 1e10).map(d -> (Object) d),
                Arbitraries.floats().map(f -> (Object) f),
                Arbitraries.shorts().map(s -> (Object) s),
                Arbitraries.bytes().map(b -> (Object) b),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(b -> (Object) b),
                Arbitraries.integers().between(60_000, 70_000).map(n -> (Object) new byte[n]),
                Arbitraries.longs().between(0, 4_000_000_000_000L).map(t -> (Object) new Date(t)),
                Arbitraries.bigDecimals().ofScale(3).map(b -> (Object) b),
                Arbitraries.bigIntegers().map(b -> (Object) b),
                Arbitraries.strings().alpha().ofMaxLength(8).map(n -> {
                    DubboFrameHeadersTest.Person p = new DubboFrameHeadersTest.Person();
                    p.name = n;
                    return (Object) p;
                }));
        return Arbitraries.recursive(() -> leaf, v -> Arbitraries.oneOf(
                v.list().ofMaxSize(5).map(l -> (Object) new ArrayList<>(l)),
                Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(6), v).ofMaxSize(5)
                        .map(m -> (Object) new LinkedHashMap<>(m)),
                v.list().ofMaxSize(3).map(l -> (Object) l.toArray())), 0, 4);
    }

    @Property(tries = 250)
    void hessianSkipperWalksExactlyOneValue(@ForAll("values") Object value) {
        byte[] bytes = TestFrames.hessian(value, "after");
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            Hessian2Reader r = new Hessian2Reader(buf, 0, bytes.length);
            r.skipValue();
            assertThat(r.readString()).isEqualTo("after");
            assertThat(r.atEnd()).isTrue();
            if (value instanceof String s) {
                assertThat(new Hessian2Reader(buf, 0, bytes.length).readString()).isEqualTo(s);
            }
        } finally {
            buf.release();
        }
    }

    @Property(tries = 250)
    void jsonbSkipperWalksExactlyOneValue(@ForAll("values") Object value) {
        byte[] bytes = TestFrames.fastjson2(value, "after");
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            JsonbReader r = new JsonbReader(buf, 0, bytes.length);
            r.walkDocument();
            assertThat(r.readStringDocument()).isEqualTo("after");
            assertThat(r.position()).isEqualTo(bytes.length);
            if (value instanceof String) {
                byte[] doc = java.util.Arrays.copyOfRange(bytes, 4, 4 + java.nio.ByteBuffer.wrap(bytes).getInt(0));
                assertThat(new JsonbReader(buf, 0, bytes.length).readStringDocument())
                        .isEqualTo(JSONB.parseObject(doc, String.class));
            }
        } finally {
            buf.release();
        }
    }

    @Property(tries = 150)
    void stringMapsAreReadWhateverTheValues(@ForAll("values") Object other) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", "g1");
        m.put("other", other);
        m.put("zeta", "last");
        for (int ser : new int[]{2, 23}) {
            byte[] bytes = ser == 2 ? TestFrames.hessian(m) : TestFrames.fastjson2(m);
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            try {
                Map<String, String> into = new LinkedHashMap<>();
                if (ser == 2) {
                    new Hessian2Reader(buf, 0, bytes.length).readStringMap(into);
                } else {
                    new JsonbReader(buf, 0, bytes.length).readStringMapDocument(into);
                }
                assertThat(into).containsEntry("group", "g1").containsEntry("zeta", "last");
                if (other instanceof String s) {
                    assertThat(into).containsKey("other");
                } else {
                    assertThat(into).doesNotContainKey("other");
                }
            } finally {
                buf.release();
            }
        }
    }

    @SuppressWarnings("unused")
    private static final List<Class<?>> TYPES = List.of(BigDecimal.class, BigInteger.class);
}
