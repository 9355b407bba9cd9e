package io.xmesh.bootstrap.config;

import io.xmesh.bootstrap.config.XmeshConfig.LbPolicy;
import io.xmesh.bootstrap.config.XmeshConfig.MatchKind;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.plugin.PluginKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader(kind -> switch (kind) {
        case PROTOCOL -> Set.of("dubbo", "http");
        case FILTER -> Set.of("rate-limit");
        case REGISTRY -> Set.of("zookeeper");
        case ROUTER -> Set.of();
    });

    @Test
    void readsAFullConfigurationWithDefaults() {
        XmeshConfig c = loader.parse("x.yaml", """
                admin: {port: 0}
                registry: zookeeper://127.0.0.1:2181?timeout=3000
                listeners:
                  - name: egress
                    port: 20880
                    protocols: [dubbo, http]
                    filters:
                      - name: rate-limit
                        config: {perSecond: 100}
                routes:
                  - name: greet
                    listeners: [egress]
                    match:
                      headers:
                        - {name: service, exact: interop.GreetingService}
                        - {name: method, prefix: gr}
                        - {name: version, regex: "1\\\\..*"}
                    cluster: greeters
                    timeout: 1500ms
                    retry: {maxRetries: 2, retryOn: [connect_failed, upstream_reset], retryOnStatuses: [100]}
                clusters:
                  - name: greeters
                    protocol: dubbo
                    lb: consistent_hash
                    hashKey: method
                    hosts: ["127.0.0.1:20881", "127.0.0.1:20882;50"]
                """);
        assertThat(c.admin().address()).isEqualTo("127.0.0.1");
        assertThat(c.admin().port()).isZero();
        assertThat(c.registry()).startsWith("zookeeper://");
        var l = c.listeners().get(0);
        assertThat(l.address()).isEqualTo("127.0.0.1");
        assertThat(l.protocols()).containsExactly("dubbo", "http");
        assertThat(l.role()).isEqualTo(XmeshConfig.Role.EGRESS);
        assertThat(l.filters().get(0).config()).containsEntry("perSecond", 100L);
        var r = c.routes().get(0);
        assertThat(r.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(r.match()).extracting(XmeshConfig.HeaderMatch::kind).containsExactly(MatchKind.EXACT, MatchKind.PREFIX, MatchKind.REGEX);
        assertThat(r.retry().retryOn()).containsExactlyInAnyOrder(ErrorKind.CONNECT_FAILED, ErrorKind.UPSTREAM_RESET);
        assertThat(r.retry().retryOnStatuses()).containsExactly(100);
        var cl = c.clusters().get(0);
        assertThat(cl.lb()).isEqualTo(LbPolicy.CONSISTENT_HASH);
        assertThat(cl.hosts()).containsExactly(new HostSpec("127.0.0.1", 20881, 100), new HostSpec("127.0.0.1", 20882, 50));
        assertThat(cl.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void reportsEveryErrorWithLineColumnAndPath() {
        String yaml = """
                admin:
                  port: 99999
                listeners:
                  - name: egress
                    protocols: [dubbo, smtp]
                    colour: blue
                routes:
                  - name: greet
                    cluster: nowhere
                    timeout: soon
                clusters:
                  - name: greeters
                    protocol: dubbo
                    lb: fastest
                    hosts: ["127.0.0.1", "127.0.0.1:20882;heavy"]
                """;
        assertThatThrownBy(() -> loader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    List<String> lines = e.errors().stream().map(ConfigError::toString).toList();
                    assertThat(lines).containsExactly(
                            "bad.yaml:2:9: admin.port: must be between 0 and 65535, got 99999",
                            "bad.yaml:4:5: listeners[0].port: required key 'port' is missing",
                            "bad.yaml:5:16: listeners[0].protocols: no protocol plugin named 'smtp' (known: dubbo, http)",
                            "bad.yaml:6:5: listeners[0].colour: unknown key 'colour' (known keys here: name, address, port, protocols, role, router, filters, codec, tcpCluster, detectTimeout, maxConnections)",
                            "bad.yaml:9:14: routes[0].cluster: unknown cluster 'nowhere' (known: greeters)",
                            "bad.yaml:10:14: routes[0].timeout: expected a duration such as 500ms, 3s, 1m (a bare number is milliseconds), found 'soon'",
                            "bad.yaml:14:9: clusters[0].lb: unknown value 'fastest' (expected one of round_robin, random, least_request, consistent_hash, weighted)",
                            "bad.yaml:15:13: clusters[0].hosts[0]: expected host:port[;weight], got '127.0.0.1'",
                            "bad.yaml:15:26: clusters[0].hosts[1]: weight is not a number: 'heavy'");
                });
    }

    @Test
    void yamlSyntaxErrorsAndDuplicateKeysHaveLocations() {
        assertThatThrownBy(() -> loader.parse("s.yaml", "listeners: [\n  - a: b\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s.yaml:").hasMessageContaining("YAML syntax error");
        assertThatThrownBy(() -> loader.parse("d.yaml", "admin:\n  port: 1\n  port: 2\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors().get(0).toString())
                        .isEqualTo("d.yaml:3:3: admin.port: duplicate key (first at line 2)"));
    }

    @Test
    void crossChecks() {
        assertThatThrownBy(() -> loader.parse("c.yaml", """
                listeners:
                  - {name: a, port: 1000, protocols: [tcp, dubbo]}
                  - {name: a, port: 1000, protocols: [dubbo]}
                clusters:
                  - {name: h, protocol: dubbo, lb: consistent_hash}
                  - {name: h, protocol: dubbo}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::message)
                .contains("'tcp' is a fallback and must be listed last",
                        "the 'tcp' fallback needs 'tcpCluster' naming the cluster to proxy to",
                        "duplicate listener name 'a'",
                        "another listener already uses 127.0.0.1:1000",
                        "consistent_hash needs 'hashKey' naming the header to hash (e.g. hashKey: method)",
                        "duplicate cluster name 'h'"));
    }

    @Test
    void emptyDocumentIsAnEmptyConfiguration() {
        XmeshConfig c = loader.parse("e.yaml", "");
        assertThat(c.listeners()).isEmpty();
        assertThat(c.admin()).isEqualTo(XmeshConfig.AdminConfig.DEFAULT);
    }

    @Test
    void durationsAndHosts() {
        assertThat(ConfigLoader.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigLoader.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ConfigLoader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigLoader.parseDuration("x")).isNull();
        assertThat(HostSpec.parse("[::1]:80;7")).isEqualTo(new HostSpec("::1", 80, 7));
        assertThat(HostSpec.parse("[::1]:80").address()).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> HostSpec.parse("h:0")).hasMessageContaining("port out of range");
        assertThat(Map.of()).isEmpty();
        assertThat(PluginKind.PROTOCOL.label()).isEqualTo("protocol");
    }
}
