package io.xmesh.examples.xrpc.e2e;

import io.xmesh.examples.xrpc.XrpcStatus;
import io.xmesh.examples.xrpc.demo.XrpcClient;
import io.xmesh.examples.xrpc.demo.XrpcMessage;
import io.xmesh.examples.xrpc.demo.XrpcServer;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walkthrough of docs/writing-a-codec.md as a test: the plugin jar, dropped into
 * {@code plugins/xrpc/} of a built xmesh distribution, proxies traffic between the sample client
 * and two sample servers.
 *
 * <p>The distribution is the directory in system property {@code xmesh.dist} (the pom points it at
 * {@code ../../proxy-bootstrap/target/xmesh-<version>}, built by the root {@code mvn verify}). It is
 * copied to a temporary folder, so the build output is never changed. When the distribution is
 * missing the test is skipped, unless {@code xmesh.dist.required=true} (CI sets it), then it fails.
 *
 * <p>xmesh runs as a separate process ({@code bin/xmesh run}); the client and servers run in this
 * JVM, on 127.0.0.1 and free ports.
 */
class XmeshDistributionEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void pluginJarInPluginsFolderProxiesXrpcTraffic() throws Exception {
        Path xmeshHome = copyDistribution();
        Path pluginJar = xmeshHome.resolve("plugins/xrpc/xrpc-codec.jar");
        jarOfClasses(Path.of("target/classes"), pluginJar);

        // 1. xmesh lists the plugin, found in plugins/xrpc/
        Result plugins = run(xmeshHome, Duration.ofSeconds(60), "plugins");
        assertThat(plugins.exit).as(plugins.output).isZero();
        assertThat(plugins.output).as(plugins.output)
                .containsPattern("(?m)^protocol\\s+xrpc\\s+500\\s+io\\.xmesh\\.examples\\.xrpc\\.XrpcProtocol\\s+.*xrpc-codec\\.jar");

        try (XrpcServer s1 = XrpcServer.start(0, "s1"); XrpcServer s2 = XrpcServer.start(0, "s2")) {
            int port = freePort();
            Path config = xmeshHome.resolve("conf/xrpc-demo.yaml");
            Files.createDirectories(config.getParent());
            Files.writeString(config, """
                    admin:
                      enabled: false
                    listeners:
                      - name: xrpc-in
                        port: %d
                        protocols: [xrpc]
                    clusters:
                      - name: echo-servers
                        protocol: xrpc
                        hosts: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    routes:
                      - name: echo
                        match:
                          headers:
                            - name: service
                              exact: demo.Echo
                        cluster: echo-servers
                    """.formatted(port, s1.port(), s2.port()));

            // 2. xmesh runs with it
            Path log = tmp.resolve("xmesh.log");
            Process xmesh = start(xmeshHome, log, "run", "--config", config.toString());
            try {
                awaitListening(xmesh, port, log);

                try (XrpcClient client = XrpcClient.connect("127.0.0.1", port)) {
                    // 3. requests are routed by service name and answered by a server
                    XrpcMessage upper = client.call(XrpcServer.SERVICE, "upper", "hello xmesh", Duration.ofSeconds(10));
                    assertThat(upper.status()).isEqualTo(XrpcStatus.OK);
                    assertThat(upper.payloadText()).isEqualTo("HELLO XMESH");

                    // 4. both servers take part (round robin)
                    Set<String> names = new HashSet<>();
                    for (int i = 0; i < 10; i++) {
                        names.add(client.call(XrpcServer.SERVICE, "whoami", "", Duration.ofSeconds(10)).payloadText());
                    }
                    assertThat(names).containsExactlyInAnyOrder("s1", "s2");

                    // 5. many requests in flight on one connection come back to the right callers
                    List<CompletableFuture<XrpcMessage>> calls = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        calls.add(client.call(XrpcServer.SERVICE, "echo", ("call-" + i).getBytes(StandardCharsets.UTF_8)));
                    }
                    for (int i = 0; i < calls.size(); i++) {
                        XrpcMessage r = calls.get(i).get(20, TimeUnit.SECONDS);
                        assertThat(r.status()).isEqualTo(XrpcStatus.OK);
                        assertThat(r.payloadText()).isEqualTo("call-" + i);
                    }

                    // 6. a request no route matches is answered by xmesh itself, through the plugin's errorReply
                    XrpcMessage noRoute = client.call("demo.Unknown", "echo", "x", Duration.ofSeconds(10));
                    assertThat(noRoute.status()).isEqualTo(XrpcStatus.NOT_FOUND);
                    assertThat(noRoute.payloadText()).startsWith("xmesh:");

                    // 7. heartbeats are answered
                    XrpcMessage pong = client.heartbeat().get(10, TimeUnit.SECONDS);
                    assertThat(pong.isHeartbeat() && pong.isResponse()).isTrue();

                    // 8. a request the codec refuses without losing the stream (no method name) is answered
                    //    BAD_REQUEST by its id, and the connection keeps working
                    XrpcMessage bad = client.call(XrpcServer.SERVICE, "", "x", Duration.ofSeconds(10));
                    assertThat(bad.status()).isEqualTo(XrpcStatus.BAD_REQUEST);
                    assertThat(bad.payloadText()).startsWith("xmesh:").contains("no service or method");
                    assertThat(client.call(XrpcServer.SERVICE, "echo", "still here", Duration.ofSeconds(10)).payloadText())
                            .isEqualTo("still here");
                }
            } finally {
                stop(xmesh);
            }
        }
    }

    /**
     * One port for Dubbo, HTTP and xrpc (listed in that order, the first bytes pick the codec);
     * bytes of none of them are refused by closing the connection. The Dubbo side uses the
     * distribution's own sample provider and client ({@code bin/xmesh-sample}).
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void onePortServesDubboHttpAndXrpcAndRefusesGarbage() throws Exception {
        Path xmeshHome = copyDistribution();
        jarOfClasses(Path.of("target/classes"), xmeshHome.resolve("plugins/xrpc/xrpc-codec.jar"));

        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/hello", exchange -> {
            byte[] body = "hello from http".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        Path sampleLog = tmp.resolve("xmesh-sample.log");
        Process sample = startTool(xmeshHome, "bin/xmesh-sample", sampleLog, "serve", "--dubbo-port", "0", "--http-port", "-1");
        try (XrpcServer xrpc = XrpcServer.start(0, "x1")) {
            int dubboPort = awaitSampleDubboPort(sample, sampleLog);
            int port = freePort();
            Path config = xmeshHome.resolve("conf/one-port.yaml");
            Files.createDirectories(config.getParent());
            Files.writeString(config, """
                    admin:
                      enabled: false
                    listeners:
                      - name: edge
                        port: %d
                        protocols: [dubbo, http, xrpc]
                    clusters:
                      - name: echo-servers
                        protocol: xrpc
                        hosts: ["127.0.0.1:%d"]
                      - name: web
                        protocol: http
                        hosts: ["127.0.0.1:%d"]
                      - name: greeters
                        protocol: dubbo
                        hosts: ["127.0.0.1:%d"]
                    routes:
                      - name: echo
                        match:
                          headers:
                            - name: service
                              exact: demo.Echo
                        cluster: echo-servers
                      - name: hello
                        match:
                          headers:
                            - name: ":path"
                              prefix: /hello
                        cluster: web
                      - name: greet
                        match:
                          headers:
                            - name: service
                              exact: io.xmesh.sample.GreetingService
                        cluster: greeters
                    """.formatted(port, xrpc.port(), web.getAddress().getPort(), dubboPort));
            Path log = tmp.resolve("xmesh-one-port.log");
            Process xmesh = start(xmeshHome, log, "run", "--config", config.toString());
            try {
                awaitListening(xmesh, port, log);

                // xrpc
                try (XrpcClient client = XrpcClient.connect("127.0.0.1", port)) {
                    assertThat(client.call(XrpcServer.SERVICE, "upper", "one port", Duration.ofSeconds(10)).payloadText())
                            .isEqualTo("ONE PORT");
                }
                // HTTP/1.1
                HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello from http");
                // Dubbo: a call routed to the sample provider, by the sample client
                Result call = run(xmeshHome, "bin/xmesh-sample", Duration.ofSeconds(60),
                        "dubbo-call", "127.0.0.1:" + port, "one port", "--timeout-ms", "10000");
                assertThat(call.exit).as(call.output).isZero();
                assertThat(call.output).contains("Hello, one port");
                // Dubbo: a heartbeat (bytes as Apache Dubbo 3.3.6 sends them) is answered by xmesh
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(HexFormat.of().parseHex("dabbe2000102030405060708000000014e"));
                    assertThat(HexFormat.of().formatHex(s.getInputStream().readNBytes(17)))
                            .as("dubbo heartbeat reply: event|hessian2, status 20, same id, body N")
                            .isEqualTo("dabb22140102030405060708000000014e");
                }
                // garbage: the connection is closed
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write("this is no protocol at all\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(s.getInputStream().read()).as("xmesh closes a connection whose bytes match no protocol").isEqualTo(-1);
                }
            } finally {
                stop(xmesh);
            }
        } finally {
            stop(sample);
            web.stop(0);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Path copyDistribution() throws IOException {
        String dist = System.getProperty("xmesh.dist", "");
        boolean required = Boolean.getBoolean("xmesh.dist.required");
        Path source = Path.of(dist);
        boolean present = !dist.isEmpty() && Files.isRegularFile(source.resolve("bin/xmesh"));
        if (!present) {
            String why = "no xmesh distribution at '" + dist + "' (build it with `mvn -B install` in the xmesh root)";
            if (required) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        Path home = tmp.resolve("xmesh");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = home.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createDirectories(home.resolve("plugins/xrpc"));
        return home;
    }

    /** Jars a class folder (with its META-INF/services), as {@code mvn package} would. */
    private static void jarOfClasses(Path classes, Path jar) throws IOException {
        assertThat(classes.resolve("META-INF/services/io.xmesh.xprotocol.codec.XProtocol")).exists();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(p)) {
                    out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private Result run(Path home, Duration timeout, String... args) throws Exception {
        return run(home, "bin/xmesh", timeout, args);
    }

    private Result run(Path home, String tool, Duration timeout, String... args) throws Exception {
        Path out = Files.createTempFile(tmp, "xmesh-", ".out");
        Process p = startTool(home, tool, out, args);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("xmesh " + String.join(" ", args) + " did not finish:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static Process start(Path home, Path output, String... args) throws IOException {
        return startTool(home, "bin/xmesh", output, args);
    }

    private static Process startTool(Path home, String tool, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve(tool).toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("XMESH_HOME", home.toString());
        pb.environment().put("JAVA_OPTS", "-Xmx256m -Djava.net.preferIPv4Stack=true");
        return pb.start();
    }

    private static void awaitListening(Process xmesh, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!xmesh.isAlive()) {
                throw new AssertionError("xmesh exited with " + xmesh.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("xmesh did not listen on " + port + " within 60 s:\n" + Files.readString(log));
    }

    /** Waits for {@code xmesh-sample serve}'s {@code READY dubbo=<port> ...} line. */
    private static int awaitSampleDubboPort(Process sample, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        java.util.regex.Pattern ready = java.util.regex.Pattern.compile("READY dubbo=(\\d+)");
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = ready.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!sample.isAlive()) {
                throw new AssertionError("xmesh-sample exited with " + sample.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("xmesh-sample did not get ready within 60 s:\n" + Files.readString(log));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
