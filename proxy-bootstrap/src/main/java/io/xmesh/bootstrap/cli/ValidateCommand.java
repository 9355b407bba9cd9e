package io.xmesh.bootstrap.cli;

import io.xmesh.bootstrap.config.ConfigError;
import io.xmesh.bootstrap.config.ConfigException;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginConflictException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code xmesh validate -c FILE}: reads and checks a configuration without starting anything.
 * Prints every error as {@code file:line:column: key.path: message} and exits with 1, or prints
 * a summary and exits with 0. Plugin problems exit with 2.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file: every error with file, line, column and key path.")
final class ValidateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PluginCatalog catalog;
        try {
            catalog = options.catalog();
        } catch (PluginConflictException e) {
            err.println("xmesh: " + e.getMessage());
            return 2;
        }
        try {
            XmeshConfig c = ConfigOptions.load(options.config, catalog);
            out.printf("%s: OK (%d listeners, %d routes, %d clusters)%n", options.config, c.listeners().size(),
                    c.routes().size(), c.clusters().size());
            return 0;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.printf("%s: %d error(s)%n", options.config, e.errors().size());
            return 1;
        } finally {
            out.flush();
            err.flush();
            catalog.close();
        }
    }
}
