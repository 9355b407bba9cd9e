package io.xmesh.bootstrap.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code xmesh version}: prints the xmesh, Java and Netty versions. */
@Command(name = "version", description = "Print the xmesh version.")
final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The xmesh version from the jar manifest, or "dev" when running from classes. */
    static String xmeshVersion() {
        String v = XmeshCli.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static String[] lines() {
        String netty = io.netty.util.Version.identify().values().stream()
                .filter(v -> v.artifactId().equals("netty-common")).map(io.netty.util.Version::artifactVersion)
                .findFirst().orElse("unknown");
        return new String[] {
                "xmesh " + xmeshVersion(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                "netty " + netty
        };
    }

    @Override
    public Integer call() {
        for (String line : lines()) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    /** For {@code xmesh --version}. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
