package io.xmesh.bootstrap.it;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.engine.Engine;
import io.xmesh.bootstrap.engine.PluginResolver;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.testproto.LpClient;
import io.xmesh.bootstrap.testproto.LpServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One port accepting the test "lp" protocol, real HTTP/1.1 (the http plugin) and a plain TCP fallback. */
class MultiProtocolListenerTest {

    /** A plain TCP echo server (for the tcp fallback), one thread per connection. */
    static ServerSocket echoServer() throws Exception {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (Exception ignored) {
                            // connection gone
                        }
                    }).start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void lpHttpAndTcpFallbackShareOnePortAndGarbageIsRefusedWithoutFallback() throws Exception {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        PluginResolver plugins = XmeshServer.resolver(catalog);
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/hello", ex -> {
            byte[] b = ("hello over http, path " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        web.start();
        Engine e = null;
        try (LpServer lp = new LpServer("lp1"); ServerSocket echo = echoServer()) {
            String yaml = """
                    engine: {eventLoops: 2, drainQuietPeriod: 0ms}
                    listeners:
                      - {name: mixed, port: 0, protocols: [lp, http, tcp], tcpCluster: echo}
                      - {name: strict, port: 0, protocols: [http, lp]}
                    routes:
                      - {name: lp, match: {headers: [{name: service, present: true}]}, cluster: lp}
                      - {name: web, match: {headers: [{name: ":path", prefix: /hello}]}, cluster: web}
                    clusters:
                      - {name: lp, protocol: lp, hosts: ["%s"]}
                      - {name: web, protocol: http, hosts: ["127.0.0.1:%d"]}
                      - {name: echo, protocol: tcp, hosts: ["127.0.0.1:%d"]}
                    """.formatted(lp.address(), web.getAddress().getPort(), echo.getLocalPort());
            e = new Engine(new ConfigLoader(plugins::names).parse("multi.yaml", yaml), plugins, new SimpleMeterRegistry());
            e.start();
            InetSocketAddress mixed = e.listenerAddress("mixed");

            try (LpClient c = new LpClient(mixed)) {
                assertThat(c.call(Map.of("service", "s"), "ping").get(5, TimeUnit.SECONDS).payload()).isEqualTo("lp1:ping");
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mixed.getPort() + "/hello?x=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello over http, path /hello?x=1");

            // neither lp nor http: relayed unchanged to the tcp cluster (an echo server)
            try (Socket s = new Socket("127.0.0.1", mixed.getPort())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("\u0001\u0002 plain bytes\n".getBytes(StandardCharsets.ISO_8859_1));
                byte[] back = s.getInputStream().readNBytes(15);
                assertThat(new String(back, StandardCharsets.ISO_8859_1)).isEqualTo("\u0001\u0002 plain bytes\n");
            }

            // without a tcp fallback, garbage closes the connection
            try (Socket s = new Socket("127.0.0.1", e.listenerAddress("strict").getPort())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x02, 0x03});
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        } finally {
            if (e != null) {
                e.shutdown(Duration.ofSeconds(2));
            }
            web.stop(0);
            catalog.close();
        }
    }
}
