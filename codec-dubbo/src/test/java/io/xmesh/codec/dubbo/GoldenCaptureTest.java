package io.xmesh.codec.dubbo;

import io.xmesh.codec.dubbo.interop.BusinessException;
import io.xmesh.codec.dubbo.interop.DubboApps;
import io.xmesh.codec.dubbo.interop.GreetingService;
import io.xmesh.codec.dubbo.interop.LoggingRelay;
import io.xmesh.codec.dubbo.interop.Person;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Re-captures the golden vectors in {@code src/test/resources/golden} from real Apache Dubbo
 * 3.3.6: a real provider and real consumers (hessian2 and fastjson2) talk through
 * {@link LoggingRelay}, and every frame is written as annotated hex together with what the codec
 * must report for it (from what the consumer called, not from the codec).
 *
 * <p>Not part of the normal build (the checked-in files are what the tests read). Run it with
 * {@code mvn -B -o -pl codec-dubbo test -Dtest=GoldenCaptureTest -Dxmesh.capture=true}.
 */
@EnabledIfSystemProperty(named = "xmesh.capture", matches = "true")
class GoldenCaptureTest {
    static final String SERVICE = io.xmesh.codec.dubbo.interop.GreetingService.class.getName();
    final Path dir = Path.of("src/test/resources/golden");
    final List<String> index = new ArrayList<>();

    record Call(String name, String method, String desc, Consumer<io.xmesh.codec.dubbo.interop.GreetingService> action) {
    }

    @Test
    void capture() throws Exception {
        Files.createDirectories(dir);
        try (DubboApp provider = DubboApps.provider();
             LoggingRelay relay = new LoggingRelay(provider.port())) {
            for (String ser : new String[]{"hessian2", "fastjson2"}) {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("int", 0);
                map.put("long", 0L);
                map.put("double", 0.5);
                map.put("bool", true);
                map.put("null", null);
                map.put("list", new ArrayList<>(List.of(1, 2, 3)));
                List<Call> calls = List.of(
                        new Call("greet-string", "greet", "Ljava/lang/String;",
                                s -> assertThat(s.greet("n0-abcdefgh")).isEqualTo("Hello, n0-abcdefgh from plain")),
                        new Call("echo-bytes", "echo", "[B",
                                s -> assertThat(s.echo(new byte[]{0, 1, 2, 3, 4, 5, 6, 7})).containsExactly(0, 1, 2, 3, 4, 5, 6, 7)),
                        new Call("complex-map", "complex", "Ljava/util/Map;",
                                s -> assertThat(s.complex(map)).containsEntry("servedBy", "plain")),
                        new Call("person-pojo", "person", "Lio/xmesh/codec/dubbo/interop/Person;",
                                s -> assertThat(s.person(new Person("ann", 42, List.of("a", "b"), Map.of("k", "v"))).getServedBy())
                                        .isEqualTo("plain")),
                        new Call("describe-null", "describe", "Ljava/lang/String;",
                                s -> assertThat(s.describe(null)).isEqualTo("null from plain")),
                        new Call("fail-business-exception", "fail", "Ljava/lang/String;",
                                s -> assertThatThrownBy(() -> s.fail("reason-0")).isInstanceOfSatisfying(BusinessException.class,
                                        e -> assertThat(e.getCode()).isEqualTo("BIZ-42"))));
                // plain export, every argument shape, then idle long enough for a heartbeat
                capture(relay, provider.port(), ser, null, null, calls, true);
                capture(relay, provider.port(), ser, DubboApps.GROUP, DubboApps.VERSION, List.of(
                        new Call("grouped-greet", "greet", "Ljava/lang/String;",
                                s -> assertThat(s.greet("n1")).isEqualTo("Hello, n1 from g1:1.2.3"))), false);
                capture(relay, provider.port(), ser, null, "9.9.9", List.of(
                        new Call("wrong-version", "greet", "Ljava/lang/String;",
                                s -> assertThatThrownBy(() -> s.greet("n2")).isInstanceOf(RuntimeException.class))), false);
                capture(relay, provider.port(), ser, "g2", DubboApps.VERSION, List.of(
                        new Call("wrong-group", "greet", "Ljava/lang/String;",
                                s -> assertThatThrownBy(() -> s.greet("n3")).isInstanceOf(RuntimeException.class))), false);
            }
        }
        Files.writeString(dir.resolve("index.txt"), "# golden frames, written by GoldenCaptureTest\n"
                + String.join("\n", index) + "\n");
    }

    private void capture(LoggingRelay relay, int providerPort, String ser, String group, String version,
                         List<Call> calls, boolean heartbeat) throws Exception {
        int before = relay.conversations().size();
        try (DubboConsumer<GreetingService> consumer = DubboApps.consumer(relay.port(), ser, group, version,
                heartbeat ? 1000 : 60000)) {
            for (Call c : calls) {
                c.action().accept(consumer.service());
            }
            Thread.sleep(heartbeat ? 2600 : 200);
        }
        Thread.sleep(200);
        LoggingRelay.Conversation conv = relay.conversations().get(before);
        List<byte[]> requests = LoggingRelay.frames(conv.toProvider());
        List<byte[]> responses = LoggingRelay.frames(conv.toConsumer());
        int call = 0;
        boolean heartbeatSaved = false;
        for (byte[] req : requests) {
            int flag = req[2] & 0xff;
            long id = ByteBuffer.wrap(req).getLong(4);
            byte[] rsp = responses.stream().filter(r -> ByteBuffer.wrap(r).getLong(4) == id).findFirst().orElse(null);
            if ((flag & 0x20) != 0) {
                if (!heartbeatSaved && rsp != null) {
                    save(ser + "-heartbeat-request.hex", "heartbeat request (" + ser + " consumer)", req,
                            Map.of("kind", "HEARTBEAT"));
                    save(ser + "-heartbeat-reply.hex", "heartbeat reply (" + ser + " provider)", rsp,
                            Map.of("kind", "HEARTBEAT_REPLY", "status", "20"));
                    heartbeatSaved = true;
                }
                continue;
            }
            Call c = calls.get(call++);
            Map<String, String> expect = new LinkedHashMap<>();
            expect.put("kind", "REQUEST");
            expect.put("service", SERVICE);
            expect.put("method", c.method());
            expect.put("version", version == null ? "0.0.0" : version);
            expect.put("group", group == null ? "<null>" : group);
            expect.put("dubbo", "2.0.2");
            expect.put("parameter-types", c.desc());
            expect.put("interface", SERVICE);
            expect.put("path", SERVICE);
            save(ser + "-" + c.name() + "-request.hex", c.name() + ": request (" + ser + ")", req, expect);
            if (rsp != null) {
                Map<String, String> re = new LinkedHashMap<>();
                re.put("kind", "RESPONSE");
                re.put("status", String.valueOf(rsp[3] & 0xff));
                re.put("service", "<null>");
                save(ser + "-" + c.name() + "-response.hex", c.name() + ": response (" + ser + ")", rsp, re);
            }
        }
        assertThat(call).as("requests captured for %s", calls).isEqualTo(calls.size());
        if (heartbeat) {
            assertThat(heartbeatSaved).as("a heartbeat was captured").isTrue();
        }
    }

    private void save(String name, String title, byte[] frame, Map<String, String> expect) throws Exception {
        GoldenVectors.write(dir.resolve(name), title, frame, expect);
        index.add(name);
    }
}
