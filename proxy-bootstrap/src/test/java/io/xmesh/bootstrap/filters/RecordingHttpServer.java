package io.xmesh.bootstrap.filters;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A real HTTP/1.1 upstream (the JDK's server) on 127.0.0.1 that records the headers of every request it gets
 * (names in lower case) and answers 200 with {@code ok <path>}; paths starting with {@code /slow-upstream}
 * are answered after {@link #slowMillis}; while {@link #failStatus} is not 0 every answer has that status.
 */
final class RecordingHttpServer implements AutoCloseable {

    final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} of every answer sent. */
    final List<Long> answeredAt = new CopyOnWriteArrayList<>();
    volatile int failStatus;
    volatile long slowMillis = 1000;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    RecordingHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            headers.put(":path", exchange.getRequestURI().toString());
            received.add(headers);
            exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestURI().getPath().startsWith("/slow-upstream")) {
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = failStatus == 0 ? 200 : failStatus;
            byte[] body = ((status == 200 ? "ok " : "failed ") + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            answeredAt.add(System.nanoTime());
        });
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
