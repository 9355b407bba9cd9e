package io.xmesh.bootstrap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        CommandLine cl = XmeshCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void validateAcceptsAGoodFile() throws Exception {
        Path f = Files.writeString(dir.resolve("ok.yaml"), """
                listeners:
                  - {name: in, port: 20880, protocols: [lp]}
                clusters:
                  - {name: b, protocol: lp, hosts: ["127.0.0.1:20881"]}
                """);
        Result r = run("validate", "-c", f.toString(), "--plugins-dir", dir.resolve("none").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OK (1 listeners, 0 routes, 1 clusters)");
    }

    @Test
    void validateReportsEveryErrorAndExitsNonZero() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), """
                listeners:
                  - {name: in, port: 20880, protocols: [nosuch], extra: 1}
                clusters:
                  - {name: b, protocol: lp, lb: best}
                """);
        Result r = run("validate", "-c", f.toString(), "--plugins-dir", dir.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f + ":2:40: listeners[0].protocols: no protocol plugin named 'nosuch'")
                .contains(f + ":2:50: listeners[0].extra: unknown key 'extra'")
                .contains(f + ":4:33: clusters[0].lb: unknown value 'best'")
                .contains("3 error(s)");
    }

    @Test
    void runRefusesABrokenFileAndAMissingFile() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "listeners: 5\n");
        Result r = run("run", "-c", f.toString(), "--plugins-dir", dir.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(f + ":1:12: listeners: expected a list, found a scalar").contains("not started");
        Result missing = run("validate", "-c", dir.resolve("missing.yaml").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot read file");
    }

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("run").contains("validate").contains("plugins").contains("version");
    }
}
