package io.xmesh.bootstrap.config;

import io.xmesh.bootstrap.config.XmeshConfig.CircuitBreakerConfig;
import io.xmesh.bootstrap.config.XmeshConfig.ClusterConfig;
import io.xmesh.bootstrap.config.XmeshConfig.EjectionConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The clusters' {@code circuitBreaker} and {@code ejection} settings. */
class ClusterPolicyConfigTest {

    private final ConfigLoader loader = new ConfigLoader(kind -> switch (kind) {
        case PROTOCOL -> Set.of("dubbo");
        default -> Set.of();
    });

    private ClusterConfig cluster(String extra) {
        return loader.parse("c.yaml", """
                clusters:
                  - name: orders
                    protocol: dubbo
                    hosts: ["127.0.0.1:20881"]
                %s""".formatted(extra)).clusters().get(0);
    }

    private List<String> errors(String extra) {
        try {
            cluster(extra);
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
        throw new AssertionError("no error for " + extra);
    }

    @Test
    void defaultsKeepTheEarlierBehaviourAndHighLimits() {
        ClusterConfig c = cluster("");
        assertThat(c.circuitBreaker()).isEqualTo(CircuitBreakerConfig.DEFAULT);
        assertThat(c.ejection()).isEqualTo(EjectionConfig.DEFAULT);
        assertThat(c.ejection().ejectOnConnectFailure()).isTrue();
        assertThat(c.ejection().errorRatePercent()).isZero();
        assertThat(c.ejection().maxEjectionPercent()).isEqualTo(100);
    }

    @Test
    void readsEverySetting() {
        ClusterConfig c = cluster("""
                    circuitBreaker: {maxConnections: 8, maxPendingRequests: 16, maxRequests: 32, maxRetries: 0}
                    ejection: {consecutiveFailures: 3, baseEjectionTime: 500ms, maxEjectionTime: 10s,
                               ejectOnConnectFailure: false, errorRatePercent: 40, errorRateMinimumRequests: 50,
                               interval: 5s, maxEjectionPercent: 30}
                """);
        assertThat(c.circuitBreaker()).isEqualTo(new CircuitBreakerConfig(8, 16, 32, 0));
        assertThat(c.ejection()).isEqualTo(new EjectionConfig(3, Duration.ofMillis(500), Duration.ofSeconds(10), false,
                40, 50, Duration.ofSeconds(5), 30));
        // a partial block keeps the other defaults
        assertThat(cluster("    circuitBreaker: {maxRequests: 5}\n").circuitBreaker())
                .isEqualTo(new CircuitBreakerConfig(4096, 4096, 5, 64));
    }

    @Test
    void badSettingsAreLocatedAndNamed() {
        assertThat(errors("    circuitBreaker: {maxRequests: -1}\n"))
                .singleElement().asString().contains("clusters[0].circuitBreaker.maxRequests").contains("c.yaml:5:");
        assertThat(errors("    circuitBreaker: {maxConnection: 3}\n"))
                .singleElement().asString().contains("clusters[0].circuitBreaker.maxConnection");
        assertThat(errors("    ejection: {maxEjectionPercent: 101}\n"))
                .singleElement().asString().contains("clusters[0].ejection.maxEjectionPercent");
        assertThat(errors("    ejection: {errorRatePercent: 150}\n"))
                .singleElement().asString().contains("clusters[0].ejection.errorRatePercent");
        assertThat(errors("    ejection: {baseEjectionTime: 5s, maxEjectionTime: 1s}\n"))
                .singleElement().asString().contains("clusters[0].ejection.maxEjectionTime: must be at least baseEjectionTime");
        assertThatThrownBy(() -> cluster("    ejection: {interval: 0s}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ejection.interval: must be more than 0");
    }
}
