package io.xmesh.bootstrap.it;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution's annotated default configuration is valid against the built-in plugins. */
class DistributionConfigTest {
    @Test
    void defaultConfigIsValid() {
        PluginCatalog catalog = PluginCatalog.discover(getClass().getClassLoader(), null, Map.of());
        try {
            XmeshConfig c = new ConfigLoader(XmeshServer.resolver(catalog)::names).load(Path.of("src/dist/conf/xmesh.yaml"));
            assertThat(c.registry()).isEqualTo("embedded");
            assertThat(c.listeners()).extracting(XmeshConfig.ListenerConfig::port).containsExactly(20880, 8080, 20890);
            assertThat(c.clusters()).extracting(XmeshConfig.ClusterConfig::name).containsExactly("sample-dubbo", "sample-http");
        } finally {
            catalog.close();
        }
    }
}
