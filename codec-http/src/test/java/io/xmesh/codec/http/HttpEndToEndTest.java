package io.xmesh.codec.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real sockets on 127.0.0.1: real clients (JDK HttpClient, curl, raw sockets) through the codec's
 * SERVER side, a frame-only relay standing in for the engine ({@link TestRelay}), the codec's
 * CLIENT side, to a real upstream server (the JDK's com.sun.net.httpserver).
 */
class HttpEndToEndTest {

    private static final long MIB = 1024 * 1024;
    private static final byte[] PATTERN = new byte[64 * 1024];

    private static HttpServer upstream;
    private static ExecutorService upstreamThreads;
    private static TestRelay relay;
    private static int port;

    private HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) ('a' + i % 26);
        }
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        upstreamThreads = Executors.newFixedThreadPool(8);
        upstream.setExecutor(upstreamThreads);
        upstream.createContext("/", HttpEndToEndTest::serve);
        upstream.start();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            deadPort = s.getLocalPort();
        }
        relay = new TestRelay(upstream.getAddress(), new InetSocketAddress("127.0.0.1", deadPort),
                Map.of("max-body-size", 256 * MIB), Map.of());
        port = relay.start();
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        upstream.stop(0);
        upstreamThreads.shutdownNow();
    }

    @BeforeEach
    void newClient() {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        relay.seen.clear();
    }

    /** The upstream application. */
    private static void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try (ex) {
            switch (path) {
                case "/echo" -> {
                    long n;
                    try (InputStream in = ex.getRequestBody()) {
                        n = in.transferTo(OutputStream.nullOutputStream());
                    }
                    send(ex, 200, ex.getRequestMethod() + " " + n);
                }
                case "/big" -> {
                    long n = Long.parseLong(ex.getRequestURI().getQuery().substring(2));
                    ex.sendResponseHeaders(200, 0); // chunked
                    try (OutputStream out = ex.getResponseBody()) {
                        for (long left = n; left > 0; left -= PATTERN.length) {
                            out.write(PATTERN, 0, (int) Math.min(left, PATTERN.length));
                        }
                    }
                }
                case "/slow" -> {
                    sleep(400);
                    send(ex, 200, "slow");
                }
                case "/conn" -> send(ex, 200, Integer.toString(ex.getRemoteAddress().getPort()));
                case "/headers" -> {
                    StringBuilder sb = new StringBuilder();
                    new TreeMap<>(ex.getRequestHeaders()).forEach((k, v) ->
                            sb.append(k.toLowerCase()).append(": ").append(String.join(",", v)).append('\n'));
                    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                    send(ex, 200, sb.toString());
                }
                case "/close" -> {
                    ex.getResponseHeaders().set("Connection", "close");
                    send(ex, 200, "closing");
                }
                default -> send(ex, 200, "hello " + path);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------- JDK HttpClient

    @Test
    void keepAliveConnectionsAreReusedBothSides() throws Exception {
        int downBefore = relay.downstreamConnections.get();
        List<String> upstreamPorts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = get("/conn");
            assertEquals(200, r.statusCode());
            assertThat(r.headers().firstValue("via")).hasValue("1.1 xmesh");
            upstreamPorts.add(r.body());
        }
        assertEquals(1, relay.downstreamConnections.get() - downBefore, "one client connection");
        assertThat(upstreamPorts).as("one upstream connection").containsOnly(upstreamPorts.get(0));
    }

    @Test
    void routingHeadersAndForwardedHeadersAreRight() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/headers?q=1")).timeout(Duration.ofSeconds(30))
                .header("X-Tenant", "t1").header("X-Forwarded-For", "192.0.2.7").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, String> view = relay.seen.get(0);
        assertEquals("127.0.0.1:" + port, view.get(":authority"));
        assertEquals("/headers?q=1", view.get(":path"));
        assertEquals("GET", view.get(":method"));
        assertEquals("t1", view.get("x-tenant"));
        assertThat(r.body()).contains("via: 1.1 xmesh\n").contains("x-forwarded-for: 192.0.2.7, 127.0.0.1\n")
                .contains("x-forwarded-proto: http\n").contains("x-tenant: t1\n")
                .contains("host: 127.0.0.1:" + port + "\n");
    }

    @Test
    void chunkedUploadAndDownload() throws Exception {
        byte[] body = new byte[300_000];
        java.util.Arrays.fill(body, (byte) 'z');
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(uri("/echo")).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("POST 300000", up.body());
        HttpResponse<byte[]> down = client.send(HttpRequest.newBuilder(uri("/big?n=1000001")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertEquals(1_000_001, down.body().length);
        assertEquals('a', down.body()[26]);
    }

    @Test
    void expectContinueUpload() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/echo")).timeout(Duration.ofSeconds(30)).expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(5000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("PUT 5000", r.body());
    }

    @Test
    void proxyErrorsCarryStatusAndReason() throws Exception {
        HttpResponse<String> none = get("/no-route/x");
        assertEquals(404, none.statusCode());
        assertThat(none.headers().firstValue("x-xmesh-error")).hasValue("no-route");
        assertEquals("xmesh: no route for /no-route/x\n", none.body());
        HttpResponse<String> dead = get("/dead");
        assertEquals(502, dead.statusCode());
        assertThat(dead.headers().firstValue("x-xmesh-error")).hasValue("connect-failed");
        assertEquals(200, get("/after-errors").statusCode());
    }

    @Test
    void upstreamConnectionCloseIsHonoured() throws Exception {
        String first = get("/conn").body();
        assertEquals(first, get("/conn").body(), "the idle upstream connection is reused");
        HttpResponse<String> closing = get("/close");
        assertEquals("closing", closing.body());
        assertThat(closing.headers().firstValue("connection")).as("not passed to the client").isEmpty();
        assertThat(get("/conn").body()).as("the closed upstream connection is not reused").isNotEqualTo(first);
    }

    @Test
    void hundredMebibytesStreamThroughWithoutBufferingEitherWay() throws Exception {
        long size = 100 * MIB;
        long baseline = liveHeap();
        AtomicLong peak = new AtomicLong();
        InputStream upload = new InputStream() {
            private long sent;
            private long nextCheck = 20 * MIB;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(len, PATTERN.length), size - sent);
                System.arraycopy(PATTERN, 0, b, off, n);
                sent += n;
                if (sent >= nextCheck) {
                    nextCheck += 20 * MIB;
                    peak.accumulateAndGet(liveHeap() - baseline, Math::max);
                }
                return n;
            }
        };
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> upload)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("POST " + size, up.body());

        HttpResponse<InputStream> down = client.send(HttpRequest.newBuilder(uri("/big?n=" + size))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long got = 0;
        long nextCheck = 20 * MIB;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = down.body()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                got += n;
                if (got >= nextCheck) {
                    nextCheck += 20 * MIB;
                    peak.accumulateAndGet(liveHeap() - baseline, Math::max);
                }
            }
        }
        assertEquals(size, got);
        System.out.println("100 MiB each way: peak live-heap growth " + peak.get() / 1024 + " KiB over "
                + baseline / 1024 + " KiB");
        assertThat(peak.get()).as("live heap growth while 100 MiB streamed through, bytes")
                .isLessThan(16 * MIB);
    }

    private static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---------------------------------------------------------------- raw sockets

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = readAll(s.getInputStream());
            int slow = all.indexOf("\r\n\r\nslow");
            int fast = all.indexOf("hello /fast");
            int echo = all.indexOf("POST 3");
            int last = all.indexOf("hello /last");
            assertThat(slow).isPositive();
            assertThat(fast).isGreaterThan(slow);
            assertThat(echo).isGreaterThan(fast);
            assertThat(last).isGreaterThan(echo);
            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(5);
        }
    }

    @Test
    void hostileRequestsAreAnsweredAndTheProxyKeepsServing() throws Exception {
        String[][] table = {
            {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
            {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400"},
            {"GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
            {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17000) + "\r\n\r\n", "431"},
            {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"},
            {"BAD\r\n\r\n", "400"},
        };
        for (String[] row : table) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(row[0].getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(s.getInputStream());
                assertThat(answer).as(row[0].substring(0, Math.min(40, row[0].length())))
                        .startsWith("HTTP/1.1 " + row[1] + " ").contains("x-xmesh-error: ");
            }
        }
        assertEquals(200, get("/still-serving").statusCode());
        assertThat(relay.codecErrors).as("the relay was told, after the answers")
                .filteredOn(e -> e instanceof HttpCodecException).hasSizeGreaterThanOrEqualTo(table.length);
    }

    @Test
    void slowlorisGets408AndOthersAreServedMeanwhile() throws Exception {
        try (TestRelay strict = new TestRelay(upstream.getAddress(), upstream.getAddress(),
                Map.of("header-read-timeout-ms", 300), Map.of())) {
            int strictPort = strict.start();
            try (Socket slow = new Socket("127.0.0.1", strictPort)) {
                slow.setSoTimeout(10_000);
                OutputStream out = slow.getOutputStream();
                out.write("GET /slow-head HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                HttpResponse<String> other = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + strictPort + "/meanwhile")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello /meanwhile", other.body());
                for (int i = 0; i < 5; i++) {
                    try {
                        out.write("X-Drip: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        break; // the proxy answered and closed already
                    }
                    sleep(100);
                }
                String answer = readAll(slow.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                        .contains("x-xmesh-error: header-read-timeout");
            }
        }
    }

    @Test
    void http10HeadThroughTheProxy() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("HEAD /conn HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = readAll(s.getInputStream());
            assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close\r\n").endsWith("\r\n\r\n");
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------- curl

    private static boolean curlAvailable() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void curlReusesTheConnectionAndSeesErrors() throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        int before = relay.downstreamConnections.get();
        String out = curl("-i", uri("/a").toString(), uri("/b").toString(), uri("/no-route").toString());
        assertEquals(1, relay.downstreamConnections.get() - before, "curl reused its connection");
        assertThat(out).contains("hello /a").contains("hello /b")
                .contains("HTTP/1.1 404 Not Found").contains("x-xmesh-error: no-route");
    }

    @Test
    void curlChunkedUploadAndDownload() throws Exception {
        assumeTrue(curlAvailable(), "curl is not installed");
        Path file = Files.createTempFile("xmesh-http", ".bin");
        try {
            Files.write(file, new byte[200_000]);
            String up = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, uri("/echo").toString());
            assertEquals("POST 200000", up);
            String head = curl("-s", "-D", "-", "-o", "/dev/null", uri("/big?n=70000").toString());
            assertThat(head.toLowerCase()).contains("transfer-encoding: chunked");
            String body = curl(uri("/big?n=70000").toString());
            assertEquals(70000, body.length());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
