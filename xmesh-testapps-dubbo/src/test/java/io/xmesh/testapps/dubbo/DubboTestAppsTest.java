package io.xmesh.testapps.dubbo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DubboTestAppsTest {

    @BeforeAll
    static void shortShutdown() {
        DubboTestApps.prepareJvm(200);
    }

    @Test
    void registryAddressCarriesTheTimeoutAndTheEnsembleAsBackups() {
        assertThat(DubboTestApps.registry("127.0.0.1:2181").getAddress())
                .isEqualTo("zookeeper://127.0.0.1:2181?timeout=3000");
        assertThat(DubboTestApps.registry("a:1,b:2,c:3").getAddress())
                .isEqualTo("zookeeper://a:1?timeout=3000&backup=b:2,c:3");
        assertThat(DubboTestApps.registry(null).getAddress()).isEqualTo("N/A");
    }

    @Test
    void aConsumerCallsTheProviderDirectlyOnLoopbackByGroupAndVersion() {
        try (DubboApp provider = DubboTestApps.provider("self-test-provider")
                .export(Greeter.class, name -> "plain " + name)
                .export(Greeter.class, name -> "g1 " + name, "g1", "1.2.3").start();
             DubboConsumer<Greeter> plain = DubboTestApps.consumer(Greeter.class, "self-test-consumer")
                     .direct(provider.port()).serialization("hessian2").start();
             DubboConsumer<Greeter> grouped = DubboTestApps.consumer(Greeter.class, "self-test-consumer-g1")
                     .direct(provider.port()).serialization("hessian2").group("g1").version("1.2.3").start();
             DubboConsumer<Greeter> wrong = DubboTestApps.consumer(Greeter.class, "self-test-consumer-g2")
                     .direct(provider.port()).group("g2").start()) {
            assertThat(provider.address()).isEqualTo("127.0.0.1:" + provider.port());
            assertThat(plain.service().greet("a")).isEqualTo("plain a");
            assertThat(grouped.service().greet("b")).isEqualTo("g1 b");
            assertThatThrownBy(() -> wrong.service().greet("c")).hasMessageContaining("Not found exported service");
        }
    }
}
