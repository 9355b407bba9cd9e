package io.xmesh.bootstrap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PluginsCommandTest {

    @TempDir
    Path emptyPlugins;

    private static String[] run(String... args) {
        CommandLine cli = XmeshCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void listsPluginsDeterministicallyWithHeader() {
        String[] first = run("plugins", "--plugins-dir", emptyPlugins.toString());
        String[] second = run("plugins", "--plugins-dir", emptyPlugins.toString());
        assertThat(first[0]).isEqualTo("0");
        assertThat(first[1]).startsWith("KIND").contains("NAME", "ORDER", "CLASS", "SOURCE");
        assertThat(second[1]).isEqualTo(first[1]);
    }

    @Test
    void versionPrintsXmeshJavaAndNetty() {
        String[] result = run("version");
        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1]).contains("xmesh ").contains("java 17").contains("netty 4.2.18.Final");
    }
}
