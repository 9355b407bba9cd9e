package io.xmesh.bootstrap.engine;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.testkit.HeadersFrame;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The route index gives exactly the answer of trying every route in order. */
class RouteIndexTest {
    private static final String[] HEADERS = {"service", "method", "group"};
    private static final String[] VALUES = {"a", "b", "c", "ab", "abc"};
    private static final String[] LISTENERS = {"in", "out"};

    private static PluginCatalog catalog;
    private static PluginResolver plugins;

    @BeforeAll
    static void plugins() {
        catalog = PluginCatalog.discover(RouteIndexTest.class.getClassLoader(), null, Map.of());
        plugins = XmeshServer.resolver(catalog);
    }

    @AfterAll
    static void close() {
        catalog.close();
    }

    @Test
    void indexAnswersLikeAScanOnRandomTables() {
        Random random = new Random(20261128);
        for (int table = 0; table < 40; table++) {
            StringBuilder yaml = new StringBuilder("""
                    listeners:
                      - {name: in, port: 0, protocols: [dubbo]}
                      - {name: out, port: 0, protocols: [dubbo]}
                    clusters:
                      - {name: c, protocol: dubbo, hosts: ["127.0.0.1:20880"]}
                    routes:
                    """);
            int n = 5 + random.nextInt(60);
            for (int r = 0; r < n; r++) {
                yaml.append("  - {name: r").append(r).append(", cluster: c");
                if (random.nextInt(4) == 0) {
                    yaml.append(", listeners: [").append(LISTENERS[random.nextInt(2)]).append("]");
                }
                yaml.append(", match: {headers: [");
                int conditions = random.nextInt(4);
                for (int c = 0; c < conditions; c++) {
                    String h = HEADERS[random.nextInt(random.nextInt(3) == 0 ? 3 : 1)]; // mostly "service"
                    String v = VALUES[random.nextInt(VALUES.length)];
                    String cond = switch (random.nextInt(5)) {
                        case 0 -> "prefix: " + v;
                        case 1 -> "present: true";
                        default -> "exact: " + v;
                    };
                    yaml.append(c == 0 ? "" : ", ").append("{name: ").append(h).append(", ").append(cond)
                            .append(random.nextInt(6) == 0 ? ", invert: true" : "").append("}");
                }
                yaml.append("]}}\n");
            }
            RouteTable routes = new RouteTable(plugins, null);
            new ConfigLoader(plugins::names).parse("t.yaml", yaml.toString()).routes().forEach(routes::upsert);
            assertThat(routes.entries()).hasSize(n);
            for (int q = 0; q < 200; q++) {
                Map<String, String> headers = new HashMap<>();
                for (String h : HEADERS) {
                    if (random.nextInt(5) != 0) {
                        headers.put(h, VALUES[random.nextInt(VALUES.length)]);
                    }
                }
                String listener = LISTENERS[random.nextInt(2)];
                XFrame frame = new HeadersFrame("dubbo", headers);
                assertThat(routes.match(listener, frame))
                        .as("table %d (%d routes), request %s on %s", table, n, headers, listener)
                        .isSameAs(scan(routes.entries(), listener, frame));
            }
        }
    }

    /** The reference: try every route in order. */
    private static RouteEntry scan(RouteEntry[] entries, String listener, XFrame frame) {
        for (RouteEntry e : entries) {
            if (e.matches(listener, frame)) {
                return e;
            }
        }
        return null;
    }
}
