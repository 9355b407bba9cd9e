package io.xmesh.bootstrap.cli;

import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginConflictException;
import io.xmesh.bootstrap.plugin.PluginDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code xmesh plugins}: lists every plugin found on the class path and in {@code plugins/},
 * sorted by kind, order and name, one per line, columns separated by two spaces or more:
 * {@code KIND NAME ORDER CLASS SOURCE}. Constructs no plugin and runs no plugin code.
 */
@Command(name = "plugins", description = "List the plugins found: kind, name, order, class and jar.")
final class PluginsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin folders (default: $XMESH_HOME/plugins, else ./plugins).")
    Path pluginsDir;

    @Option(names = "--choose", paramLabel = "KIND:NAME=CLASS",
            description = "Resolve a duplicate plugin name by naming the class to use.")
    Map<String, String> choices = Map.of();

    /** The default plugins folder: {@code $xmesh.home/plugins} when set by bin/xmesh, else {@code ./plugins}. */
    static Path defaultPluginsDir() {
        String home = System.getProperty("xmesh.home");
        return home == null ? Path.of("plugins") : Path.of(home, "plugins");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = pluginsDir != null ? pluginsDir : defaultPluginsDir();
        PluginCatalog catalog;
        try {
            catalog = PluginCatalog.discover(PluginsCommand.class.getClassLoader(), dir, choices);
        } catch (PluginConflictException e) {
            spec.commandLine().getErr().println("xmesh: " + e.getMessage());
            return 2;
        }
        out.print(format(catalog.plugins()));
        out.flush();
        return 0;
    }

    /** Formats the listing: a header, then one aligned row per plugin. */
    static String format(List<PluginDescriptor> plugins) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KIND", "NAME", "ORDER", "CLASS", "SOURCE"});
        for (PluginDescriptor d : plugins) {
            rows.add(new String[] {d.kind().label(), d.name(), Integer.toString(d.order()), d.className(), d.source()});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                sb.append(row[i]);
                if (i < row.length - 1) {
                    sb.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
