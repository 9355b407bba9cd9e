package io.xmesh.codec.dubbo;

import io.netty.buffer.Unpooled;
import io.xmesh.xprotocol.codec.CodecException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing headers read from hessian2 and fastjson2 request bodies, arguments skipped. */
class DubboFrameHeadersTest {

    /** A POJO argument. */
    public static class Person implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name = "ann";
        public int age = 42;
        public List<String> tags = new ArrayList<>(List.of("a", "b"));
        public Map<String, Object> attrs = new LinkedHashMap<>(Map.of("k", 1L));
        public Person friend;
        public byte[] photo = new byte[300];
        public Date born = new Date(1_000_000L);
        public BigDecimal balance = new BigDecimal("12.50");
        public double score = 0.5;
    }

    final DubboProtocol protocol = new DubboProtocol();

    DubboFrame frame(byte[] bytes) {
        return protocol.wrap(Unpooled.copiedBuffer(bytes));
    }

    static Object[][] argumentShapes() {
        Person p = new Person();
        p.friend = new Person();
        p.friend.friend = p; // a back reference
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("int", 0);
        map.put("long", 0L);
        map.put("double", 0.5);
        map.put("bool", true);
        map.put("null", null);
        map.put("list", new ArrayList<>(List.of(1, 2, 3)));
        map.put("nested", new LinkedHashMap<>(Map.of("x", "y")));
        char[] longChars = new char[70000];
        Arrays.fill(longChars, 'é');
        return new Object[][]{
                {"Ljava/lang/String;", new Object[]{"n0-abcdefgh"}},
                {"Ljava/lang/String;", new Object[]{new String(longChars)}},
                {"[B", new Object[]{new byte[8]}},
                {"[B", new Object[]{new byte[100_000]}},
                {"Ljava/util/Map;", new Object[]{map}},
                {"L" + Person.class.getName().replace('.', '/') + ";", new Object[]{p}},
                {"Ljava/lang/String;", new Object[]{null}},
                {"", new Object[]{}},
                {"IJDZLjava/lang/String;[Ljava/lang/String;", new Object[]{7, 1L << 40, 2.5, true, "s", new String[]{"x", null}}},
                {"Ljava/util/List;Ljava/util/Date;", new Object[]{List.of(p, p), new Date(0)}},
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 23})
    void everyArgumentShapeWithAndWithoutGroup(int serialization) {
        for (Object[] shape : argumentShapes()) {
            for (String group : new String[]{null, "g1"}) {
                String desc = (String) shape[0];
                byte[] bytes = TestFrames.request(serialization, -77L, "com.acme.Greeter", "1.0.0", "call", desc,
                        (Object[]) shape[1], TestFrames.attachments("com.acme.Greeter", "1.0.0", group));
                DubboFrame f = frame(bytes);
                try {
                    assertThat(f.header("group")).as("%s %s", desc, group).isEqualTo(group);
                    assertThat(f.header("service")).isEqualTo("com.acme.Greeter");
                    assertThat(f.header("method")).isEqualTo("call");
                    assertThat(f.header("version")).isEqualTo("1.0.0");
                    assertThat(f.header("dubbo")).isEqualTo("2.0.2");
                    assertThat(f.header("parameter-types")).isEqualTo(desc);
                    assertThat(f.header("remote.application")).isEqualTo("unit-consumer");
                    assertThat(f.header("interface")).isEqualTo("com.acme.Greeter");
                    Map<String, String> all = new LinkedHashMap<>();
                    f.forEachHeader(all::put);
                    assertThat(all).containsEntry("service", "com.acme.Greeter").containsEntry("timeout", "3000")
                            .containsEntry("path", "com.acme.Greeter");
                    assertThat(f.requestId()).isEqualTo(-77L);
                } finally {
                    f.release();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 23})
    void nonStringAttachmentsAreIgnored(int serialization) {
        Map<String, Object> att = TestFrames.attachments("s", "0.0.0", "g");
        att.put("number", 5);
        att.put("object", new LinkedHashMap<>(Map.of("a", "b")));
        att.put("after", "yes");
        byte[] bytes = TestFrames.request(serialization, 1, "s", "0.0.0", "m", "I", new Object[]{1}, att);
        DubboFrame f = frame(bytes);
        try {
            assertThat(f.header("number")).isNull();
            assertThat(f.header("object")).isNull();
            assertThat(f.header("after")).isEqualTo("yes");
            assertThat(f.header("group")).isEqualTo("g");
        } finally {
            f.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 23})
    void attachmentValuesMayReferToClassesDefinedByTheArguments(int serialization) {
        Map<String, Object> att = TestFrames.attachments("s", "0.0.0", "g");
        att.put("pojo", new Person()); // hessian2: refers to the class definition written for the argument
        att.put("after", "yes");
        byte[] bytes = TestFrames.request(serialization, 1, "s", "0.0.0", "m", "L" + Person.class.getName().replace('.', '/') + ";",
                new Object[]{new Person()}, att);
        DubboFrame f = frame(bytes);
        try {
            assertThat(f.header("pojo")).isNull();
            assertThat(f.header("after")).isEqualTo("yes");
            assertThat(f.header("group")).isEqualTo("g");
            Map<String, String> all = new LinkedHashMap<>();
            f.forEachHeader(all::put);
            assertThat(all).containsEntry("after", "yes").doesNotContainKey("pojo");
        } finally {
            f.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 23})
    void framesOfOneChannelShareReadersAndStrings(int serialization) {
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
        protocol.initChannel(ch.pipeline(), io.xmesh.xprotocol.codec.ProtocolSide.SERVER,
                io.xmesh.xprotocol.codec.CodecOptions.DEFAULTS);
        ch.writeInbound(Unpooled.wrappedBuffer(TestFrames.greet(serialization, 1, "g1")));
        ch.writeInbound(Unpooled.wrappedBuffer(TestFrames.greet(serialization, 2, null)));
        DubboFrame a = ch.readInbound();
        DubboFrame b = ch.readInbound();
        try {
            // interleaved lookups on two frames using the channel's shared readers
            assertThat(a.header("service")).isEqualTo("interop.GreetingService");
            assertThat(b.header("group")).isNull();
            assertThat(a.header("group")).isEqualTo("g1");
            assertThat(b.header("method")).isEqualTo("greet");
            assertThat(a.header("timeout")).isEqualTo("3000");
            // the same routing strings are the same instances
            assertThat(b.header("service")).isSameAs(a.header("service"));
            assertThat(b.header("interface")).isSameAs(a.header("interface"));
        } finally {
            a.release();
            b.release();
        }
        org.junit.jupiter.api.Assertions.assertFalse(ch.finish());
    }

    @Test
    void unknownSerializationIsForwardableButHeadersThrow() {
        byte[] bytes = TestFrames.frame(0xc0 | 3, 0, 99, new byte[]{1, 2, 3});
        DubboFrame f = frame(bytes);
        try {
            assertThat(f.kind()).isEqualTo(io.xmesh.xprotocol.codec.FrameKind.REQUEST);
            assertThat(f.requestId()).isEqualTo(99);
            assertThat(f.replyTemplate()).isSameAs(protocol.replyTemplate(3));
            assertThatThrownBy(() -> f.header("service")).isInstanceOfSatisfying(CodecException.class, e -> {
                assertThat(e.isFatal()).isFalse();
                assertThat(e.requestId()).isEqualTo(99);
                assertThat(e.getMessage()).contains("serialization id 3");
            });
            assertThatThrownBy(() -> f.header("group")).isInstanceOf(CodecException.class);
        } finally {
            f.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 23})
    void corruptBodiesGiveATypedNonFatalError(int serialization) {
        byte[] good = TestFrames.greet(serialization, 5, "g1");
        int body = good.length - 16;
        // cut the body at every length: each must parse fully or fail with CodecException
        for (int cut = 0; cut < body; cut++) {
            byte[] bytes = TestFrames.frame(good[2] & 0xff, 0, 5, Arrays.copyOfRange(good, 16, 16 + cut));
            DubboFrame f = frame(bytes);
            try {
                assertThatThrownBy(() -> {
                    f.header("service");
                    f.header("group");
                }).as("cut at %d", cut).isInstanceOfSatisfying(CodecException.class, e -> {
                    assertThat(e.isFatal()).isFalse();
                    assertThat(e.requestId()).isEqualTo(5);
                });
            } finally {
                f.release();
            }
        }
    }

    @Test
    void badDescriptorIsATypedError() {
        byte[] bytes = TestFrames.request(2, 5, "s", "0.0.0", "m", "Ljava/lang/String", new Object[]{"x"},
                TestFrames.attachments("s", "0.0.0", "g"));
        DubboFrame f = frame(bytes);
        try {
            assertThat(f.header("service")).isEqualTo("s");
            assertThatThrownBy(() -> f.header("group")).isInstanceOf(CodecException.class)
                    .hasMessageContaining("descriptor");
        } finally {
            f.release();
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        // 100000 nested untyped fixed lists of one element: 0x79 0x79 ... 'N'
        byte[] args = new byte[100_001];
        Arrays.fill(args, (byte) 0x79);
        args[args.length - 1] = 'N';
        byte[] prefix = TestFrames.hessian("2.0.2", "s", "0.0.0", "m", "Ljava/util/List;");
        byte[] body = new byte[prefix.length + args.length + 2];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(args, 0, body, prefix.length, args.length);
        body[body.length - 2] = 'H';
        body[body.length - 1] = 'Z';
        DubboFrame f = frame(TestFrames.frame(0xc2, 0, 1, body));
        try {
            assertThat(f.header("service")).isEqualTo("s");
            assertThatThrownBy(() -> f.header("group")).isInstanceOf(CodecException.class).hasMessageContaining("deeper");
        } finally {
            f.release();
        }
    }

    @Test
    void heartbeatsAndResponsesHaveNoRoutingHeaders() {
        DubboFrame hb = frame(DubboFrameDecoderTest.HEARTBEAT);
        DubboFrame rsp = frame(DubboFrameDecoderTest.RESPONSE);
        try {
            assertThat(hb.header("service")).isNull();
            assertThat(rsp.header("group")).isNull();
            List<String> seen = new ArrayList<>();
            hb.forEachHeader((k, v) -> seen.add(k));
            assertThat(seen).isEmpty();
        } finally {
            hb.release();
            rsp.release();
        }
    }
}
