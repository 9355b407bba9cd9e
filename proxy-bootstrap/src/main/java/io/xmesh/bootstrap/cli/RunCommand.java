package io.xmesh.bootstrap.cli;

import io.xmesh.bootstrap.XmeshServer;
import io.xmesh.bootstrap.config.ConfigError;
import io.xmesh.bootstrap.config.ConfigException;
import io.xmesh.bootstrap.config.XmeshConfig;
import io.xmesh.bootstrap.plugin.PluginCatalog;
import io.xmesh.bootstrap.plugin.PluginConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code xmesh run -c FILE}: validates the configuration, starts the proxy and the admin API,
 * and runs until SIGTERM/SIGINT, which trigger a graceful shutdown (pre-shutdown hooks such as
 * unpublishing, stop accepting, drain in-flight requests up to {@code engine.shutdownTimeout}).
 * Exit codes: 1 invalid configuration, 2 plugin problem, 3 startup failure (e.g. a port in use).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start xmesh with a configuration file; stop gracefully on SIGTERM.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PluginCatalog catalog;
        try {
            catalog = options.catalog();
        } catch (PluginConflictException e) {
            err.println("xmesh: " + e.getMessage());
            err.flush();
            return 2;
        }
        XmeshConfig config;
        try {
            config = ConfigOptions.load(options.config, catalog);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.printf("%s: %d error(s); not started%n", options.config, e.errors().size());
            err.flush();
            catalog.close();
            return 1;
        }
        XmeshServer server = new XmeshServer(config, catalog);
        try {
            server.start();
        } catch (RuntimeException e) {
            err.println("xmesh: cannot start: " + e.getMessage());
            err.flush();
            log.debug("startup failure", e);
            catalog.close();
            return 3;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested");
            try {
                server.stop();
            } finally {
                stopped.countDown();
            }
        }, "xmesh-shutdown"));
        stopped.await();
        return 0;
    }
}
