package io.xmesh.bootstrap.discovery;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The assembled server serves the pub/sub API on its admin port, and its graceful stop unpublishes. */
class AdminMountedDiscoveryTest {

    @Test
    void pubThroughTheAdminPortAndUnpublishOnStop(@TempDir Path dir) throws Exception {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        try (ZkServer zk = new ZkServer(dir)) {
            XmeshConfig config = new ConfigLoader(k -> new HashSet<>(XmeshServer.resolver(catalog).names(k))).parse("t.yaml", """
                    admin: {port: 0}
                    registry: "zookeeper://%s"
                    engine: {eventLoops: 1, drainQuietPeriod: 0ms}
                    listeners:
                      - {name: in, port: 0, protocols: [dubbo], role: ingress}
                    """.formatted(zk.connectString()));
            XmeshServer server = new XmeshServer(config, catalog);
            server.start();
            int ingress;
            try {
                ingress = server.engine().listenerAddress("in").getPort();
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.adminAddress().getPort();
                HttpResponse<String> pub = http.send(HttpRequest.newBuilder(URI.create(base + "/pub"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"service\":{\"interface\":\"adm.Svc\",\"methods\":[\"a\"],\"group\":\"\",\"version\":\"\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(pub.statusCode()).isEqualTo(200);
                assertThat(pub.body()).isEqualTo("{\"err_no\":0,\"err_msg\":\"\"}");
                HttpResponse<String> regs = http.send(HttpRequest.newBuilder(URI.create(base + "/registrations")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(regs.body()).contains("\"service\":\"adm.Svc\"").contains("\"state\":\"published\"");
                assertThat(zk.providers(new ServiceKey("dubbo", "adm.Svc", "", "")))
                        .singleElement().satisfies(i -> assertThat(i.port()).isEqualTo(ingress));
            } finally {
                server.stop();
            }
            assertThat(zk.providers(new ServiceKey("dubbo", "adm.Svc", "", ""))).isEmpty();
        } finally {
            catalog.close();
        }
    }
}
