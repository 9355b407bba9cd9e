package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.xmesh.bootstrap.config.XmeshConfig.RouteConfig;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The local HTTP API's contract: shapes, refusals naming the field, idempotency, listing, drain. */
class DiscoveryApiTest {

    @TempDir
    static Path zkData;
    static ZkServer zk;
    static Sidecar ingressOnly;

    @BeforeAll
    static void setUp() throws Exception {
        zk = new ZkServer(zkData);
        ingressOnly = new Sidecar("registry: \"zookeeper://" + zk.connectString() + "\"\n" + """
                listeners:
                  - name: in
                    port: 0
                    protocols: [dubbo]
                    role: ingress
                """, Duration.ofSeconds(2));
    }

    @AfterAll
    static void tearDown() {
        ingressOnly.close();
        zk.close();
    }

    static void refused(Sidecar.Answer a, int status, String field, String text) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
        assertThat(a.body().get("err_no").asInt()).isEqualTo(status);
        assertThat(a.body().get("err_msg").asText()).contains(text);
        if (field != null) {
            assertThat(a.body().get("field").asText()).isEqualTo(field);
            assertThat(a.body().get("err_msg").asText()).startsWith(field + ": ");
        }
    }

    @Test
    void badRequestsNameTheBadField() throws Exception {
        Sidecar s = ingressOnly;
        refused(s.post("/pub", ""), 400, "body", "empty");
        refused(s.post("/pub", "{\"service\":"), 400, "body", "not valid JSON");
        refused(s.post("/pub", "[]"), 400, "body", "expected a JSON object");
        refused(s.post("/pub", "{}"), 400, "service", "missing");
        refused(s.post("/pub", "{\"service\":{}}"), 400, "service.interface", "missing");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"a b\"}}"), 400, "service.interface", "not an interface name");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"methods\":[1]}}"), 400, "service.methods[0]", "expected a string");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"methods\":[\"a;b\"]}}"), 400, "service.methods[0]", "not a method name");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"port\":\"abc\"}}"), 400, "service.port", "expected a port");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"port\":70000}}"), 400, "service.port", "out of range");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"group\":7}}"), 400, "service.group", "expected a string");
        refused(s.post("/pub", "{\"service\":{\"interface\":\"x.Y\",\"version\":\"1 2\"}}"), 400, "service.version", "invalid");
        refused(s.post("/pub", "{\"registry\":\"zk\",\"service\":{\"interface\":\"x.Y\"}}"), 400, "registry", "expected an object");
        refused(s.post("/pub", "{\"registry\":{\"type\":\"etcd\",\"addr\":\"127.0.0.1:1\"},\"service\":{\"interface\":\"x.Y\"}}"),
                400, "registry.type", "no registry plugin for 'etcd'");
        refused(s.post("/pub", "{\"registry\":{\"type\":\"zookeeper\",\"addr\":\"h:1/x\"},\"service\":{\"interface\":\"x.Y\"}}"),
                400, "registry.addr", "expected host:port");
        refused(s.post("/pub", "{\"service\":\"x.Y\",\"protocol\":\"nope\"}"), 400, "protocol", "no protocol plugin 'nope'");
        refused(s.post("/pub", "{\"service\":\"x.Y\",\"weight\":-1}"), 400, "weight", "0-10000");
        refused(s.post("/pub", "{\"service\":\"x.Y\",\"registry\":\"nonsense\"}"), 400, "registry", "expected a URI");
        refused(s.post("/pub", "{\"service\":\"x.Y\",\"parameters\":{\"k\":\"a&b\"}}"), 400, "parameters.k", "must not contain");
        refused(s.post("/pub", "{\"service\":\"x.Y\",\"appPort\":0}"), 400, "appPort", "out of range");
        refused(s.post("/pub", "x".repeat(DiscoveryHttpApi.MAX_BODY + 10)), 413, "body", "larger than");
        refused(s.get("/pub"), 405, null, "use POST");
        refused(s.post("/registrations", "{}"), 405, null, "use GET");
        refused(s.get("/nope"), 404, null, "no such endpoint");
        // this sidecar has no egress listener: a subscription cannot be served
        refused(s.post("/sub", "{\"service\":\"x.Y\"}"), 409, null, "no egress listener");
        assertThat(pubs(s, "x.Y")).isEmpty();
    }

    @Test
    void mosnsOwnExampleWithAnEmptyMethodAndParamsIsAccepted() throws Exception {
        String body = "{\"service\":{\"interface\":\"com.test.cc\",\"methods\":[\"\"],\"params\":{\"weight\":50,\"warm\":true}}}";
        assertThat(ingressOnly.post("/pub", body).body().toString()).isEqualTo("{\"err_no\":0,\"err_msg\":\"\"}");
        assertThat(zk.providers(new ServiceKey("dubbo", "com.test.cc", "", ""))).singleElement().satisfies(i ->
        {
            assertThat(i.parameters()).containsEntry("warm", "true").doesNotContainKey("methods");
            assertThat(i.weight()).isEqualTo(50);
        });
        assertThat(ingressOnly.post("/unpub", body).status()).isEqualTo(200);
    }

    @Test
    void wrongContentTypeIsRefusedAndTheApiListensOnLoopbackOnly() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ingressOnly.apiAddress.getPort() + "/pub"))
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofString("<x/>")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(ingressOnly.apiAddress.getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void pubIsIdempotentListedAndDrainedOnUnpub() throws Exception {
        Sidecar s = ingressOnly;
        String body = "{\"service\":\"api.Orders\",\"version\":\"1.0\",\"methods\":[\"get\",\"put\"],\"appPort\":20999,"
                + "\"parameters\":{\"application\":\"orders\"}}";
        assertThat(s.post("/pub", body).status()).isEqualTo(200);
        assertThat(s.post("/pub", body).body().toString()).isEqualTo("{\"err_no\":0,\"err_msg\":\"\"}");
        List<JsonNode> pubs = pubs(s, "api.Orders");
        assertThat(pubs).hasSize(1);
        JsonNode p = pubs.get(0);
        assertThat(p.get("service").asText()).isEqualTo("api.Orders");
        assertThat(p.get("version").asText()).isEqualTo("1.0");
        assertThat(p.get("application").asText()).isEqualTo("127.0.0.1:20999");
        assertThat(p.get("advertised").asText()).isEqualTo("127.0.0.1:" + s.listenerPort("in"));
        assertThat(p.get("state").asText()).isEqualTo("published");
        assertThat(routes(s, "api.Orders")).hasSize(1);
        assertThat(s.engine.clusters().get("local-app:dubbo:20999")).isNotNull();
        ServiceKey key = new ServiceKey("dubbo", "api.Orders", "", "1.0");
        assertThat(zk.providers(key)).singleElement().satisfies(i -> {
            assertThat(i.parameters()).containsEntry("application", "orders").containsEntry("methods", "get,put");
            assertThat(i.port()).isEqualTo(s.listenerPort("in"));
        });

        // unpub: registration gone at once, route kept for the drain period, a re-pub in between cancels the removal
        assertThat(s.post("/unpub", body).status()).isEqualTo(200);
        assertThat(pubs(s, "api.Orders").get(0).get("state").asText()).isEqualTo("draining");
        assertThat(routes(s, "api.Orders")).hasSize(1);
        assertThat(zk.providers(key)).isEmpty();
        assertThat(s.post("/pub", body).status()).isEqualTo(200);
        assertThat(s.post("/unpub", body).status()).isEqualTo(200);
        assertThat(s.post("/unpub", body).status()).isEqualTo(200); // idempotent
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs(s, "api.Orders").isEmpty());
        assertThat(routes(s, "api.Orders")).isEmpty();
        assertThat(s.engine.clusters().get("local-app:dubbo:20999")).isNull();
        assertThat(s.post("/unpub", body).status()).isEqualTo(200); // nothing left: still fine
    }

    @Test
    void subscribeFollowsTheRegistryEvenBeforeAProviderExists() throws Exception {
        try (Sidecar egress = new Sidecar("registry: \"zookeeper://" + zk.connectString() + "\"\n" + """
                listeners:
                  - name: out
                    port: 0
                    protocols: [dubbo]
                    role: egress
                """, Duration.ofMillis(200))) {
            String body = "{\"registry\":{\"type\":\"zookeeper\",\"addr\":\"" + zk.connectString() + "\"},"
                    + "\"service\":{\"interface\":\"api.Later\",\"methods\":[\"x\"],\"group\":\"g\"}}";
            assertThat(egress.post("/sub", body).status()).isEqualTo(200);
            assertThat(egress.post("/sub", body).status()).isEqualTo(200); // idempotent
            String cluster = "sub:dubbo://g/api.Later@zookeeper://" + zk.connectString();
            assertThat(egress.engine.clusters().get(cluster).hosts()).isEmpty();
            // a provider appears (published by the other sidecar with the same group)
            assertThat(ingressOnly.post("/pub", "{\"registry\":{\"type\":\"zookeeper\",\"addr\":\"" + zk.connectString() + "\"},"
                    + "\"service\":{\"interface\":\"api.Later\",\"group\":\"g\",\"port\":20998}}").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(1)).until(() -> egress.engine.clusters().get(cluster).hosts().size() == 1);
            JsonNode sub = egress.get("/registrations").body().get("subscriptions").get(0);
            assertThat(sub.get("hosts").get(0).asText()).isEqualTo("127.0.0.1:" + ingressOnly.listenerPort("in"));
            assertThat(sub.get("group").asText()).isEqualTo("g");
            assertThat(egress.post("/unsub", body).status()).isEqualTo(200);
            assertThat(egress.post("/unsub", body).status()).isEqualTo(200);
            assertThat(egress.engine.clusters().get(cluster)).isNull();
            assertThat(egress.get("/registrations").body().get("subscriptions")).isEmpty();
            assertThat(ingressOnly.post("/unpub", "{\"registry\":{\"type\":\"zookeeper\",\"addr\":\"" + zk.connectString()
                    + "\"},\"service\":{\"interface\":\"api.Later\",\"group\":\"g\"}}").status()).isEqualTo(200);
        }
    }

    @Test
    void theApiPortIsFreedOnClose() throws Exception {
        Sidecar s = new Sidecar("registry: \"zookeeper://" + zk.connectString() + "\"\n", Duration.ofMillis(100));
        int port = s.apiAddress.getPort();
        s.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        });
    }

    static List<RouteConfig> routes(Sidecar s, String service) {
        return s.engine.routes().routes().stream().filter(r -> r.metadata().containsKey("xmesh.discovery")
                && r.metadata().getOrDefault("service", "").contains(service)).toList();
    }

    /** The listed publications of one service (tests share the sidecar). */
    static List<JsonNode> pubs(Sidecar s, String service) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode p : s.get("/registrations").body().get("publications")) {
            if (p.get("service").asText().equals(service)) {
                out.add(p);
            }
        }
        return out;
    }
}
