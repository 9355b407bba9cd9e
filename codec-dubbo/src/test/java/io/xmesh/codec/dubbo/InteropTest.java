package io.xmesh.codec.dubbo;

import io.xmesh.codec.dubbo.interop.BusinessException;
import io.xmesh.codec.dubbo.interop.CodecRelay;
import io.xmesh.codec.dubbo.interop.DubboApps;
import io.xmesh.codec.dubbo.interop.GreetingService;
import io.xmesh.codec.dubbo.interop.Person;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.xprotocol.codec.ErrorKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Apache Dubbo 3.3.6 consumer -> {@link CodecRelay} (real Netty server and client, both
 * pipelines from {@link DubboProtocol#initChannel}, ids rewritten) -> real Dubbo provider, on
 * 127.0.0.1, for both serializations.
 */
class InteropTest {
    static final String SERVICE = GreetingService.class.getName();
    /** Generous: the machine running CI is shared; no test here waits for a timeout. */
    static final int CALL_TIMEOUT_MS = 20_000;
    static DubboApp provider;
    static CodecRelay relay;

    @BeforeAll
    static void start() throws Exception {
        provider = DubboApps.provider();
        relay = new CodecRelay(provider.port(), f -> {
            String group = f.header("group");
            if ("reject-me".equals(group)) {
                return new CodecRelay.Refusal(ErrorKind.NO_ROUTE,
                        "xmesh: no route for service " + f.header("service") + " version " + f.header("version"));
            }
            if ("slow".equals(group)) {
                return new CodecRelay.Refusal(ErrorKind.TIMEOUT, "xmesh: upstream timeout after 3000 ms (é€)");
            }
            if ("busy".equals(group)) {
                return new CodecRelay.Refusal(ErrorKind.OVERLOADED, "xmesh: cluster busy");
            }
            if ("describe".equals(f.header("method")) && !f.setHeader("x-trace", "t-" + f.requestId())) {
                return new CodecRelay.Refusal(ErrorKind.INTERNAL, "xmesh: setHeader failed");
            }
            return null;
        });
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @BeforeEach
    void clear() {
        relay.seen.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void everyArgumentShapeThroughTheRelay(String ser) {
        int expectedId = "hessian2".equals(ser) ? 2 : 23;
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, null, null, 60000, CALL_TIMEOUT_MS)) {
            GreetingService s = c.service();
            assertThat(s.greet("n0-abcdefgh")).isEqualTo("Hello, n0-abcdefgh from plain");
            byte[] big = new byte[200_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            assertThat(s.echo(big)).isEqualTo(big);
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("int", 0);
            map.put("long", 7L);
            map.put("list", new ArrayList<>(List.of(1, 2, 3)));
            map.put("null", null);
            assertThat(s.complex(map)).containsEntry("servedBy", "plain").containsEntry("int", 0);
            Person p = s.person(new Person("ann", 42, List.of("a", "b"), Map.of("k", "v")));
            assertThat(p.getServedBy()).isEqualTo("plain");
            assertThat(p.getTags()).containsExactly("a", "b");
            // the relay added attachment x-trace (setHeader) and the real provider received it
            assertThat(s.describe(null)).matches("null from plain trace=t--?[0-9]+");
            assertThatThrownBy(() -> s.fail("reason-0")).isInstanceOfSatisfying(BusinessException.class, e -> {
                assertThat(e.getCode()).isEqualTo("BIZ-42");
                assertThat(e.getMessage()).isEqualTo(directBusinessExceptionMessage(ser));
            });
        }
        List<CodecRelay.Seen> seen = new ArrayList<>(relay.seen);
        assertThat(seen).extracting(x -> x.headers().get("method"))
                .containsExactly("greet", "echo", "complex", "person", "describe", "fail");
        for (CodecRelay.Seen x : seen) {
            assertThat(x.serialization()).isEqualTo(expectedId);
            assertThat(x.headers()).containsEntry("service", SERVICE).containsEntry("version", "0.0.0")
                    .containsEntry("dubbo", "2.0.2");
            assertThat(x.headers().get("group")).isNull();
            assertThat(x.upstreamId()).isNotEqualTo(x.downstreamId());
        }
        assertThat(relay.errors).isEmpty();
    }

    /**
     * The message of the business exception when the consumer calls the provider directly. With
     * hessian2 it is the provider's; Dubbo 3.3.6's fastjson2 serialization itself drops a
     * Throwable's message (null even without xmesh), so the relay can only be compared with that.
     */
    static String directBusinessExceptionMessage(String ser) {
        if ("hessian2".equals(ser)) {
            return "rejected: reason-0 by plain";
        }
        try (DubboConsumer<GreetingService> direct =
                     DubboApps.consumer(provider.port(), ser, null, null, 60000, CALL_TIMEOUT_MS)) {
            BusinessException e = (BusinessException) org.assertj.core.api.Assertions.catchThrowable(
                    () -> direct.service().fail("reason-0"));
            assertThat(e.getCode()).isEqualTo("BIZ-42");
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void groupAndVersionAreReadAndRouted(String ser) {
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, DubboApps.GROUP, DubboApps.VERSION,
                60000, CALL_TIMEOUT_MS)) {
            assertThat(c.service().greet("n1")).isEqualTo("Hello, n1 from g1:1.2.3");
            assertThatThrownBy(() -> c.service().fail("r")).isInstanceOfSatisfying(BusinessException.class,
                    e -> assertThat(e.getCode()).isEqualTo("BIZ-42"));
        }
        assertThat(relay.seen).hasSize(2).allSatisfy(x -> assertThat(x.headers())
                .containsEntry("group", "g1").containsEntry("version", "1.2.3").containsEntry("service", SERVICE));
        assertThat(relay.errors).isEmpty();
    }

    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            b.append(x.getClass().getName()).append(": ").append(x.getMessage()).append('\n');
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void errorRepliesAreShownByTheRealConsumer(String ser) {
        int before = relay.errorRepliesSent.get();
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, "reject-me", "1.0.0", 60000, CALL_TIMEOUT_MS)) {
            Throwable t = catchThrowable(() -> c.service().greet("n2"));
            assertThat(messages(t)).contains("xmesh: no route for service " + SERVICE + " version 1.0.0");
        }
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, "slow", null, 60000, CALL_TIMEOUT_MS)) {
            Throwable t = catchThrowable(() -> c.service().greet("n3"));
            assertThat(messages(t)).contains("xmesh: upstream timeout after 3000 ms (é€)").containsIgnoringCase("timeout");
        }
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, "busy", null, 60000, CALL_TIMEOUT_MS)) {
            Throwable t = catchThrowable(() -> c.service().greet("n4"));
            assertThat(messages(t)).contains("xmesh: cluster busy");
        }
        assertThat(relay.errorRepliesSent.get() - before).isEqualTo(3);
        assertThat(relay.seen).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void heartbeatsAreAnsweredByTheRelay(String ser) throws Exception {
        int before = relay.heartbeatsAnswered.get();
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(relay.port(), ser, null, null, 500, CALL_TIMEOUT_MS)) {
            assertThat(c.service().greet("a")).isEqualTo("Hello, a from plain");
            Thread.sleep(1800);
            assertThat(c.service().greet("b")).isEqualTo("Hello, b from plain");
        }
        assertThat(relay.heartbeatsAnswered.get()).isGreaterThan(before);
        assertThat(relay.errors).isEmpty();
    }

    /**
     * The consumer knows two addresses: the relay and the provider itself. Before the relay's
     * go-away some calls go through the relay; after it, none do: the real consumer read the
     * READONLY event and stopped choosing that connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hessian2", "fastjson2"})
    void goAwayMakesTheRealConsumerStopUsingTheConnection(String ser) throws Exception {
        try (DubboConsumer<GreetingService> c = DubboApps.consumer(new int[]{relay.port(), provider.port()}, ser,
                null, null, 60000, CALL_TIMEOUT_MS)) {
            for (int i = 0; i < 30; i++) {
                assertThat(c.service().greet("before")).isEqualTo("Hello, before from plain");
            }
            assertThat(relay.seen).as("calls through the relay before go-away").isNotEmpty();
            relay.goAwayAll();
            Thread.sleep(500);
            relay.seen.clear();
            for (int i = 0; i < 30; i++) {
                assertThat(c.service().greet("after")).isEqualTo("Hello, after from plain");
            }
            assertThat(relay.seen).as("calls through the relay after go-away").isEmpty();
            // and not because the frame broke the connection: the consumer kept it open
            assertThat(relay.activeDownstreams()).isGreaterThanOrEqualTo(1);
        }
        assertThat(relay.errors).isEmpty();
    }

    private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(c);
        assertThat(t).as("the call must fail").isNotNull();
        return t;
    }
}
