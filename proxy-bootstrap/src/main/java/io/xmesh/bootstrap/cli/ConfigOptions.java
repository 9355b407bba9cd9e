package io.xmesh.bootstrap.cli;

import io.xmesh.bootstrap.config.ConfigLoader;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginDescriptor;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Options shared by {@code run} and {@code validate}: the configuration file and plugin lookup. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin folders (default: $XMESH_HOME/plugins, else ./plugins).")
    Path pluginsDir;

    @Option(names = "--choose", paramLabel = "KIND:NAME=CLASS",
            description = "Resolve a duplicate plugin name by naming the class to use.")
    Map<String, String> choices = Map.of();

    PluginCatalog catalog() {
        return PluginCatalog.discover(ConfigOptions.class.getClassLoader(),
                pluginsDir != null ? pluginsDir : PluginsCommand.defaultPluginsDir(), choices);
    }

    /** Loads the configuration, checking plugin names against the catalog. */
    static XmeshConfig load(Path file, PluginCatalog catalog) {
        return new ConfigLoader(kind -> {
            Set<String> names = new LinkedHashSet<>();
            for (PluginDescriptor d : catalog.plugins(kind)) {
                names.add(d.name());
            }
            return names;
        }).load(file);
    }
}
