package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local HTTP API through which applications publish and subscribe via their sidecar:
 * <pre>
 * POST /pub    POST /unpub    POST /sub    POST /unsub      body: a {@link ServiceRequest} (MOSN's or xmesh's shape)
 * GET  /registrations                                        current publications and subscriptions
 * </pre>
 * Answers are JSON. Success: {@code 200 {"err_no":0,"err_msg":""}} (MOSN's answer), or {@code 202} with
 * {@code err_no 0} and a message when the registry is not reachable and the change will be made when it is.
 * Refusals: {@code 4xx {"err_no":<status>,"err_msg":"<field>: <what is wrong>","field":"<field>"}}.
 * Bodies are limited to 64 KiB. The server binds {@link DiscoverySettings#apiAddress()} (127.0.0.1 by default, so
 * only local applications reach it) and serves requests one at a time on its own thread, never on an event loop.
 */
public final class DiscoveryHttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryHttpApi.class);
    static final int MAX_BODY = 64 * 1024;

    private final LocalDiscovery discovery;
    private final DiscoverySettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private ExecutorService executor;

    public DiscoveryHttpApi(LocalDiscovery discovery, DiscoverySettings settings) {
        this.discovery = discovery;
        this.settings = settings;
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound address
     * @throws IOException when the address cannot be bound
     */
    public synchronized InetSocketAddress start() throws IOException {
        if (server != null) {
            return server.getAddress();
        }
        HttpServer s = HttpServer.create(new InetSocketAddress(settings.apiAddress(), settings.apiPort()), 64);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "xmesh-discovery-api");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        log.info("local discovery API on http://{}:{} (pub, unpub, sub, unsub, registrations)",
                s.getAddress().getHostString(), s.getAddress().getPort());
        return s.getAddress();
    }

    /** The bound address, or null before {@link #start()}. */
    public synchronized InetSocketAddress address() {
        return server == null ? null : server.getAddress();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            try {
                switch (path) {
                    case "/pub", "/unpub", "/sub", "/unsub" -> {
                        requireMethod(method, "POST", ex);
                        ServiceRequest r = ServiceRequest.parse(readJson(ex));
                        LocalDiscovery.Outcome o = switch (path) {
                            case "/pub" -> discovery.pub(r);
                            case "/unpub" -> discovery.unpub(r);
                            case "/sub" -> discovery.sub(r);
                            default -> discovery.unsub(r);
                        };
                        if (o == LocalDiscovery.Outcome.DONE) {
                            send(ex, 200, answer(0, "", null));
                        } else {
                            send(ex, 202, answer(0, "accepted; the registry has not confirmed yet, xmesh completes it when the registry is reachable", null));
                        }
                    }
                    case "/registrations" -> {
                        requireMethod(method, "GET", ex);
                        send(ex, 200, discovery.registrations());
                    }
                    default -> throw new BadRequestException(404, null, "no such endpoint: " + path
                            + " (POST /pub, /unpub, /sub, /unsub; GET /registrations)");
                }
            } catch (BadRequestException e) {
                send(ex, e.status(), answer(e.status(), e.getMessage(), e.field()));
            } catch (RuntimeException e) {
                log.warn("discovery API {} {} failed", method, path, e);
                send(ex, 500, answer(500, "internal error: " + e, null));
            }
        }
    }

    private static void requireMethod(String method, String allowed, HttpExchange ex) {
        if (!method.equals(allowed)) {
            ex.getResponseHeaders().set("Allow", allowed);
            throw new BadRequestException(405, null, "method " + method + " not allowed; use " + allowed);
        }
    }

    private JsonNode readJson(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).contains("json") && !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
            throw new BadRequestException(415, null, "expected a JSON body (Content-Type: application/json), got " + type);
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new BadRequestException(413, "body", "larger than " + MAX_BODY + " bytes");
        }
        if (body.length == 0) {
            throw new BadRequestException("body", "empty; expected a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("body", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Map<String, Object> answer(int errNo, String msg, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("err_no", errNo);
        m.put("err_msg", msg);
        if (field != null) {
            m.put("field", field);
        }
        return m;
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
