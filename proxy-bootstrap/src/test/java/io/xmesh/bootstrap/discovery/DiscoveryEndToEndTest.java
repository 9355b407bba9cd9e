package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.xmesh.testapps.dubbo.DubboApp;
import io.xmesh.testapps.dubbo.DubboConsumer;
import io.xmesh.testapps.dubbo.DubboTestApps;
import io.xmesh.testapps.dubbo.Greeter;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flow the project exists for, with real parts only: a real ZooKeeper, real Apache Dubbo 3.3.6 applications and
 * three real xmesh sidecars in this JVM, set up through the local HTTP API only.
 * <pre>
 *   meshed consumer -> xmesh B (egress) -> xmesh A (ingress) -> meshed provider p1      (A: POST /pub, B: POST /sub)
 *                                       -> xmesh C (ingress) -> meshed provider p2      (C: POST /pub, for unpub under load)
 *   non-meshed consumer (ZooKeeper) ----> xmesh A (ingress) -> p1
 *   meshed consumer (version 2.0) -> xmesh B -> non-meshed provider q (registered in ZooKeeper by Dubbo itself)
 * </pre>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryEndToEndTest {

    static final String SERVICE = Greeter.class.getName();
    static final ServiceKey ANY_VERSION = new ServiceKey("dubbo", SERVICE, "", "*");
    static ZkServer zk;
    @TempDir
    static Path zkData;
    static DubboApp p1;
    static DubboApp p2;
    static DubboApp q;
    static Sidecar a;
    static Sidecar b;
    static Sidecar c;
    static DubboConsumer<Greeter> meshed;

    /**
     * A provider answering {@code "<name>: hello <who>"}, registered in ZooKeeper when {@code zk} is not null (a
     * non-meshed provider) or registered nowhere (a meshed one: its sidecar publishes it).
     */
    static DubboApp provider(String name, String zk, String version) {
        return DubboTestApps.provider(name).registry(zk).export(Greeter.class, new NamedGreeter(name), null, version)
                .start();
    }

    /** A meshed consumer: it knows only its sidecar's egress address. */
    static DubboConsumer<Greeter> meshedConsumer(String name, int egressPort, String version) {
        return DubboTestApps.consumer(Greeter.class, name).direct(egressPort).version(version).start();
    }

    @BeforeAll
    static void setUp() throws Exception {
        DubboTestApps.prepareJvm(300);
        zk = new ZkServer(zkData);
        p1 = provider("p1", null, null);
        p2 = provider("p2", null, null);
        q = provider("q", zk.connectString(), "2.0");
        String registry = "registry: \"zookeeper://" + zk.connectString() + "?timeout=3000&sessionTimeout=3000\"\n";
        String ingress = registry + """
                listeners:
                  - name: in
                    port: 0
                    protocols: [dubbo]
                    role: ingress
                """;
        a = new Sidecar(ingress, Duration.ofSeconds(1));
        c = new Sidecar(ingress, Duration.ofSeconds(1));
        b = new Sidecar(registry + """
                listeners:
                  - name: out
                    port: 0
                    protocols: [dubbo]
                    role: egress
                """, Duration.ofSeconds(1));
        meshed = meshedConsumer("meshed-consumer", b.listenerPort("out"), null);
    }

    @AfterAll
    static void tearDown() throws Exception {
        // Dubbo apps first, ZooKeeper last (dubbo-facts pitfall 5)
        for (AutoCloseable x : new AutoCloseable[] {meshed, a, b, c, p1, p2, q, zk}) {
            if (x != null) {
                try {
                    x.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        }
    }

    /** MOSN's dubbo-go request shape, as an SDK with the mesh switch sends it. */
    static String mosn(int appPort) {
        return """
                {"registry":{"type":"zookeeper","addr":"%s"},
                 "service":{"interface":"%s","methods":["greet"],"group":"","version":""%s}}
                """.formatted(zk.connectString(), SERVICE, appPort > 0 ? ",\"port\":" + appPort : "");
    }

    /** Providers of the service in ZooKeeper now (any version), as host:port. */
    static Set<String> providers() {
        Set<String> out = new TreeSet<>();
        zk.providers(ANY_VERSION).forEach(i -> out.add(i.address()));
        return out;
    }

    static Set<String> subscribedHosts(Sidecar s, String version) throws Exception {
        Set<String> hosts = new TreeSet<>();
        for (JsonNode sub : s.get("/registrations").body().get("subscriptions")) {
            if (sub.get("service").asText().equals(SERVICE) && sub.get("version").asText().equals(version)) {
                sub.get("hosts").forEach(h -> hosts.add(h.asText()));
            }
        }
        return hosts;
    }

    @Test
    @Order(1)
    void meshedConsumerReachesMeshedProviderThroughTwoSidecars() throws Exception {
        Sidecar.Answer pub = a.post("/pub", mosn(p1.port()));
        assertThat(pub.status()).isEqualTo(200);
        assertThat(pub.body().toString()).isEqualTo("{\"err_no\":0,\"err_msg\":\"\"}");
        assertThat(a.post("/pub", mosn(p1.port())).status()).isEqualTo(200); // idempotent

        // ZooKeeper holds xmesh A's ingress address, not the application's
        int aIngress = a.listenerPort("in");
        List<ServiceInstance> unversioned = zk.providers(new ServiceKey("dubbo", SERVICE, "", ""));
        assertThat(unversioned).singleElement().satisfies(i -> {
            assertThat(i.address()).isEqualTo("127.0.0.1:" + aIngress);
            assertThat(i.parameters()).containsEntry("methods", "greet").containsEntry("side", "provider")
                    .containsEntry("serialization", "hessian2").containsEntry("prefer.serialization", "hessian2")
                    .containsEntry("interface", SERVICE);
        });

        Sidecar.Answer sub = b.post("/sub", """
                {"registry":{"type":"zookeeper","addr":"%s"},"service":{"interface":"%s","methods":["greet"],"group":""}}
                """.formatted(zk.connectString(), SERVICE));
        assertThat(sub.status()).isEqualTo(200);
        assertThat(sub.body().get("err_no").asInt()).isZero();
        assertThat(subscribedHosts(b, "")).containsExactly("127.0.0.1:" + aIngress);

        Greeter greeter = meshed.service();
        assertThat(greeter.greet("mesh")).isEqualTo("p1: hello mesh");

        JsonNode regs = a.get("/registrations").body();
        assertThat(regs.get("publications")).hasSize(1);
        assertThat(regs.get("publications").get(0).get("state").asText()).isEqualTo("published");
        assertThat(regs.get("publications").get(0).get("application").asText()).isEqualTo("127.0.0.1:" + p1.port());
    }

    @Test
    @Order(2)
    void nonMeshedConsumerCallsTheMeshedProvider() throws Exception {
        try (DubboConsumer<Greeter> plain = DubboTestApps.consumer(Greeter.class, "plain-consumer")
                .registry(zk.connectString()).migration("FORCE_INTERFACE").start()) {
            Greeter g = plain.service();
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> g.greet("plain").equals("p1: hello plain"));
        }
    }

    @Test
    @Order(3)
    void meshedConsumerCallsANonMeshedProviderAndVersionsStayApart() throws Exception {
        Sidecar.Answer sub = b.post("/sub", """
                {"registry":"zookeeper://%s","service":"%s","version":"2.0","methods":["greet"]}
                """.formatted(zk.connectString(), SERVICE));
        assertThat(sub.status()).isEqualTo(200);
        assertThat(subscribedHosts(b, "2.0")).containsExactly("127.0.0.1:" + q.port());
        try (DubboConsumer<Greeter> v2 = meshedConsumer("meshed-v2", b.listenerPort("out"), "2.0")) {
            assertThat(v2.service().greet("v2")).isEqualTo("q: hello v2");
        }
        assertThat(meshed.service().greet("v0")).isEqualTo("p1: hello v0");
        assertThat(subscribedHosts(b, "")).containsExactly("127.0.0.1:" + a.listenerPort("in"));
    }

    @Test
    @Order(4)
    void unpubUnderLoadFailsNoCall() throws Exception {
        assertThat(c.post("/pub", mosn(p2.port())).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> subscribedHosts(b, "").size() == 2);
        try (Load load = new Load(meshed.service(), 2)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredBy.containsAll(Set.of("p1", "p2")));
            Sidecar.Answer unpub = a.post("/unpub", mosn(0));
            assertThat(unpub.status()).isEqualTo(200);
            assertThat(unpub.body().get("err_no").asInt()).isZero();
            assertThat(a.post("/unpub", mosn(0)).status()).isEqualTo(200); // idempotent
            assertThat(providers()).containsExactlyInAnyOrder("127.0.0.1:" + c.listenerPort("in"), "127.0.0.1:" + q.port());
            await().atMost(Duration.ofSeconds(1)).until(() -> subscribedHosts(b, "")
                    .equals(Set.of("127.0.0.1:" + c.listenerPort("in"))));
            // after the drain period A drops the route
            await().atMost(Duration.ofSeconds(5)).until(() -> a.get("/registrations").body().get("publications").isEmpty());
            int before = load.ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > before + 50);
            load.answeredBy.clear();
            int settled = load.ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > settled + 20);
            assertThat(load.answeredBy).containsExactly("p2");
            assertThat(load.failures).isEmpty();
        }
    }

    @Test
    @Order(5)
    void zookeeperOutageLongerThanTheSessionsKeepsCallsFlowingAndRegistrationsComeBack() throws Exception {
        Set<String> expected = Set.of("127.0.0.1:" + c.listenerPort("in"), "127.0.0.1:" + q.port()); // C's xmesh node and q's
        try (Load load = new Load(meshed.service(), 1)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 10);
            zk.stop();
            int atStop = load.ok.get();
            // down for longer than the sessions (3 s): every session expires; calls must keep succeeding all along
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> load.failures.isEmpty());
            assertThat(load.ok.get()).isGreaterThan(atStop + 100);
            assertThat(subscribedHosts(b, "")).containsExactly("127.0.0.1:" + c.listenerPort("in"));
            zk.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> providers().equals(expected));
            // written again under new sessions: they stay when the server expires the old ones
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(20)).until(() -> providers().equals(expected));
            int afterRestart = load.ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > afterRestart + 20);
            assertThat(load.failures).isEmpty();
        }
        assertThat(providers()).contains("127.0.0.1:" + c.listenerPort("in"));
    }

    @Test
    @Order(6)
    void gracefulShutdownUnpublishesFirst() throws Exception {
        int cIngress = c.listenerPort("in");
        c.close();
        assertThat(providers()).doesNotContain("127.0.0.1:" + cIngress).contains("127.0.0.1:" + q.port());
        c = null;
    }

    /** Calls the greeter in a loop on {@code threads} threads, recording who answered and every failure. */
    static final class Load implements AutoCloseable {
        final AtomicInteger ok = new AtomicInteger();
        final Set<String> answeredBy = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(Greeter greeter, int n) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            String answer = greeter.greet("load");
                            answeredBy.add(answer.substring(0, answer.indexOf(':')));
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }, "load-" + i);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(5000);
            }
        }
    }
}
