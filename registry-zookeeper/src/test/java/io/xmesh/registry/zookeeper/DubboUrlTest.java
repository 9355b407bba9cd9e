package io.xmesh.registry.zookeeper;

import io.xmesh.registry.zookeeper.internal.DubboLayout;
import io.xmesh.registry.zookeeper.internal.DubboUrl;
import io.xmesh.registry.zookeeper.internal.RegistryConfig;
import io.xmesh.xprotocol.registry.ServiceInstance;
import io.xmesh.xprotocol.registry.ServiceKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node names and URL shapes against the layout Dubbo 3.3.6 was observed to write (dubbo-facts.md). */
class DubboUrlTest {

    /** Observed node name written by a real Dubbo 3.3.6 provider (register-mode=interface, hessian2 pinned). */
    static final String OBSERVED_NODE = "dubbo%3A%2F%2F127.0.0.1%3A20881%2Finterop.GreetingService%3Fapplication%3Dinterop-provider"
            + "%26deprecated%3Dfalse%26dubbo%3D2.0.2%26dynamic%3Dtrue%26generic%3Dfalse%26interface%3Dinterop.GreetingService"
            + "%26methods%3Dcomplex%2Cecho%2Cfail%2Cgreet%2Cperson%26prefer.serialization%3Dhessian2%26release%3D3.3.6"
            + "%26revision%3D1.0.0%26serialization%3Dhessian2%26side%3Dprovider%26timestamp%3D1795841061663";

    static final RegistryConfig CONFIG = RegistryConfig.parse(URI.create("zookeeper://127.0.0.1:2181?application=interop-provider"), false);

    @Test
    void providerUrlHasExactlyDubbosShapeAndEncoding() {
        ServiceInstance instance = new ServiceInstance(new ServiceKey("dubbo", "interop.GreetingService", "", ""),
                "127.0.0.1", 20881, 100,
                Map.of("methods", "person,greet,echo,fail,complex", "revision", "1.0.0"));
        DubboUrl url = DubboLayout.providerUrl(instance, CONFIG, 1795841061663L);
        assertThat(url.encoded()).isEqualTo(OBSERVED_NODE);
        assertThat(DubboUrl.decode(OBSERVED_NODE)).isEqualTo(url);
    }

    @Test
    void groupVersionAndWeightAreParametersOnly() {
        ServiceInstance instance = new ServiceInstance(new ServiceKey("dubbo", "a.B", "g1", "1.2.3"), "10.0.0.1", 20880, 7,
                Map.of("serialization", "fastjson2", "weight", "999", "interface", "evil.Override"));
        DubboUrl url = DubboLayout.providerUrl(instance, CONFIG, 1L);
        assertThat(url.toFullString()).isEqualTo("dubbo://10.0.0.1:20880/a.B?application=interop-provider&deprecated=false"
                + "&dubbo=2.0.2&dynamic=true&generic=false&group=g1&interface=a.B&prefer.serialization=fastjson2"
                + "&release=3.3.6&serialization=fastjson2&side=provider&timestamp=1&version=1.2.3&weight=7");
        assertThat(DubboLayout.categoryPath("/dubbo", "a.B", "providers")).isEqualTo("/dubbo/a.B/providers");
        ServiceInstance back = DubboLayout.toInstance(DubboUrl.decode(url.encoded()));
        assertThat(back.key()).isEqualTo(instance.key());
        assertThat(back.weight()).isEqualTo(7);
        assertThat(back.address()).isEqualTo("10.0.0.1:20880");
    }

    @Test
    void consumerUrlShape() {
        DubboUrl url = DubboLayout.consumerUrl(new ServiceKey("dubbo", "a.B", "", "2"), "10.0.0.9",
                Map.of("methods", "b,a"), CONFIG, 5L);
        assertThat(url.toFullString()).isEqualTo("consumer://10.0.0.9/a.B?application=interop-provider&category=consumers"
                + "&check=false&dubbo=2.0.2&interface=a.B&methods=a,b&release=3.3.6&side=consumer&timestamp=5&version=2");
        assertThat(url.encoded()).startsWith("consumer%3A%2F%2F10.0.0.9%2Fa.B%3Fapplication%3D");
    }

    @Test
    void parsesWhatDubboParses() {
        DubboUrl u = DubboUrl.parse("tri://user:pw@[::1]:50051/a.B?flag&x=1=2&&#frag");
        assertThat(u.protocol()).isEqualTo("tri");
        assertThat(u.host()).isEqualTo("::1");
        assertThat(u.port()).isEqualTo(50051);
        assertThat(u.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("flag", "flag", "x", "1=2"));
        assertThat(u.address()).isEqualTo("[::1]:50051");
        assertThat(DubboUrl.parse("consumer://1.2.3.4/a.B").port()).isZero();
        assertThatThrownBy(() -> DubboUrl.parse("no-scheme")).hasMessageContaining("no protocol");
        assertThatThrownBy(() -> DubboUrl.parse("dubbo://h:xx/a")).hasMessageContaining("bad port");
        assertThatThrownBy(() -> DubboUrl.parse("dubbo://:1/a")).hasMessageContaining("no host");
    }

    @Test
    void rejectsParametersThatWouldNotReadBack() {
        ServiceKey key = new ServiceKey("dubbo", "a.B", "", "");
        assertThatThrownBy(() -> DubboLayout.providerUrl(new ServiceInstance(key, "h", 1, 100, Map.of("x", "a&b")), CONFIG, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 'x' value");
        assertThatThrownBy(() -> DubboLayout.providerUrl(new ServiceInstance(key, "h", 1, 100, Map.of("a=b", "c")), CONFIG, 1))
                .hasMessageContaining("parameter key 'a=b'");
        assertThatThrownBy(() -> DubboLayout.providerUrl(new ServiceInstance(key, "h h", 1, 100, Map.of()), CONFIG, 1))
                .hasMessageContaining("host");
    }

    @Test
    void matchingFollowsDubboConsumerRules() {
        ServiceKey plain = new ServiceKey("dubbo", "a.B", "", "");
        DubboUrl p = DubboUrl.parse("dubbo://h:1/a.B?interface=a.B");
        assertThat(DubboLayout.matches(plain, p)).isTrue();
        assertThat(DubboLayout.matches(new ServiceKey("tri", "a.B", "", ""), p)).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&group=g"))).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&version=1"))).isFalse();
        assertThat(DubboLayout.matches(new ServiceKey("dubbo", "a.B", "g", "1"),
                DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&version=1&group=g"))).isTrue();
        assertThat(DubboLayout.matches(new ServiceKey("dubbo", "a.B", "x,g", "*"),
                DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&version=9&group=g"))).isTrue();
        assertThat(DubboLayout.matches(new ServiceKey("dubbo", "a.B", "*", ""),
                DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&group=zz"))).isTrue();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&enabled=false"))).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&disabled=true"))).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/a.B?interface=a.B&category=configurators"))).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("empty://h:1/a.B?interface=a.B"))).isFalse();
        assertThat(DubboLayout.matches(plain, DubboUrl.parse("dubbo://h:1/other.C?interface=other.C"))).isFalse();
        assertThat(DubboLayout.toInstance(DubboUrl.parse("dubbo://h:1/a.B?weight=-3")).weight()).isZero();
        assertThat(DubboLayout.toInstance(DubboUrl.parse("dubbo://h:1/a.B?weight=x")).weight()).isEqualTo(100);
    }
}
