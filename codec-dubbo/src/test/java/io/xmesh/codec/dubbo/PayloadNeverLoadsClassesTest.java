package io.xmesh.codec.dubbo;

import io.netty.buffer.Unpooled;
import io.xmesh.codec.dubbo.poison.PoisonWitness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A payload that names a class with a static initializer (on the test classpath) in every place a
 * type name can appear is routed (service, method, group read) and the class is never
 * initialised.
 */
class PayloadNeverLoadsClassesTest {
    static final String POISON = "io.xmesh.codec.dubbo.poison.PoisonPill";

    static byte[] hessianPayload() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(TestFrames.hessian("2.0.2", "com.acme.Greeter", "1.0.0", "eat",
                "L" + POISON.replace('.', '/') + ";Ljava/util/Map;Ljava/util/List;"));
        byte[] name = POISON.getBytes(StandardCharsets.US_ASCII);
        // arg 0: class definition 'C' name, 1 field "x", then an instance 0x60 with x = null
        b.write('C');
        b.write(0x30); // medium string: 0x30 + (len >> 8), len & 0xff
        b.write(name.length);
        b.writeBytes(name);
        b.write(0x91);
        b.write(1);
        b.write('x');
        b.write(0x60);
        b.write('N');
        // arg 1: a typed map whose type is the poison class
        b.write('M');
        b.write(0x30); // medium string: 0x30 + (len >> 8), len & 0xff
        b.write(name.length);
        b.writeBytes(name);
        b.write('Z');
        // arg 2: a typed fixed list of one poison object (type by name), then 'O' instance
        b.write(0x71);
        b.write(0x30); // medium string: 0x30 + (len >> 8), len & 0xff
        b.write(name.length);
        b.writeBytes(name);
        b.write('O');
        b.write(0x90);
        b.write('N');
        b.writeBytes(TestFrames.hessian(TestFrames.attachments("com.acme.Greeter", "1.0.0", "g1")));
        return TestFrames.frame(0xc2, 0, 1, b.toByteArray());
    }

    static byte[] fastjson2Payload() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(TestFrames.fastjson2("2.0.2", "com.acme.Greeter", "1.0.0", "eat",
                "L" + POISON.replace('.', '/') + ";"));
        byte[] name = POISON.getBytes(StandardCharsets.US_ASCII);
        // a typed object: 0x92, type name (ASCII 0x79 + length), symbol index 1, {x: null}
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        doc.write(0x92);
        doc.write(0x79);
        doc.write(name.length);
        doc.writeBytes(name);
        doc.write(1);
        doc.write(0xa6);
        doc.write(0x4a);
        doc.write('x');
        doc.write(0xaf);
        doc.write(0xa5);
        byte[] d = doc.toByteArray();
        b.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(d.length).array());
        b.writeBytes(d);
        b.writeBytes(TestFrames.fastjson2(TestFrames.attachments("com.acme.Greeter", "1.0.0", "g1")));
        return TestFrames.frame(0xc0 | 23, 0, 2, b.toByteArray());
    }

    @Test
    void routingNeverInitialisesAClassNamedByThePayload() throws Exception {
        DubboProtocol protocol = new DubboProtocol();
        for (byte[] payload : new byte[][]{hessianPayload(), fastjson2Payload()}) {
            DubboFrame f = protocol.wrap(Unpooled.wrappedBuffer(payload));
            try {
                assertThat(f.header("service")).isEqualTo("com.acme.Greeter");
                assertThat(f.header("method")).isEqualTo("eat");
                assertThat(f.header("group")).isEqualTo("g1");
                f.forEachHeader((k, v) -> { });
            } finally {
                f.release();
            }
        }
        assertThat(PoisonWitness.INITIALIZED.get()).as("PoisonPill initialised by the codec").isFalse();
        // the witness works: initialising the class on purpose flips it
        Class.forName(POISON, true, getClass().getClassLoader());
        assertThat(PoisonWitness.INITIALIZED.get()).isTrue();
    }
}
