package io.xmesh.bootstrap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code xmesh} command line. {@code bin/xmesh} runs {@link #main}.
 */
@Command(name = "xmesh",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "xmesh: a service-mesh data plane for the JVM.",
        subcommands = {
                RunCommand.class,
                ValidateCommand.class,
                PluginsCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class
        })
public final class XmeshCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new XmeshCli());
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        // run keeps its own threads alive and never returns here until shutdown
        System.exit(exit);
    }
}
