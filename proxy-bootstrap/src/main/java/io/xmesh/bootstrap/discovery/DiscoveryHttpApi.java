package io.xmesh.bootstrap.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.xmesh.bootstrap.admin.AdminResponse;
import io.xmesh.bootstrap.admin.AdminServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Serves the API's paths ({@code /pub}, {@code /unpub}, {@code /sub}, {@code /unsub}, {@code /registrations}) on
     * the admin API instead of (or besides) this class's own server. The admin server calls handlers on its own
     * thread, never on a proxy event loop.
     */
    public void mountOn(AdminServer admin) {
        for (String path : List.of("/pub", "/unpub", "/sub", "/unsub", "/registrations")) {
            admin.register(path, r -> {
                Reply x = handle(r.method(), r.path(), null, r.body());
                return new AdminResponse(x.status(), "application/json; charset=utf-8", x.json());
            });
        }
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

    /**
     * An answer: HTTP status, JSON body, and for a 405 the allowed method.
     *
     * @param status HTTP status
     * @param json   the JSON body (UTF-8)
     * @param allow  the method to name in an {@code Allow} header, or null
     */
    public record Reply(int status, byte[] json, String allow) {
    }

    /**
     * Serves one request, independent of the HTTP server carrying it (this class's own server, or a route of the
     * admin API). Blocks up to {@link DiscoverySettings#registryWait()}; call it off the event loops.
     *
     * @param method      HTTP method
     * @param path        request path ({@code /pub}, ...)
     * @param contentType the request's content type, or null when unknown
     * @param body        the request body (at most {@link #MAX_BODY} bytes are read)
     */
    public Reply handle(String method, String path, String contentType, byte[] body) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String m = method.toUpperCase(Locale.ROOT);
        try {
            switch (p) {
                case "/pub", "/unpub", "/sub", "/unsub" -> {
                    requireMethod(m, "POST");
                    ServiceRequest r = ServiceRequest.parse(readJson(contentType, body));
                    LocalDiscovery.Outcome o = switch (p) {
                        case "/pub" -> discovery.pub(r);
                        case "/unpub" -> discovery.unpub(r);
                        case "/sub" -> discovery.sub(r);
                        default -> discovery.unsub(r);
                    };
                    return o == LocalDiscovery.Outcome.DONE ? reply(200, answer(0, "", null), null)
                            : reply(202, answer(0, "accepted; the registry has not confirmed yet, "
                            + "xmesh completes it when the registry is reachable", null), null);
                }
                case "/registrations" -> {
                    requireMethod(m, "GET");
                    return reply(200, discovery.registrations(), null);
                }
                default -> throw new BadRequestException(404, null, "no such endpoint: " + p
                        + " (POST /pub, /unpub, /sub, /unsub; GET /registrations)");
            }
        } catch (BadRequestException e) {
            return reply(e.status(), answer(e.status(), e.getMessage(), e.field()),
                    e.status() == 405 ? (p.equals("/registrations") ? "GET" : "POST") : null);
        } catch (RuntimeException e) {
            log.warn("discovery API {} {} failed", m, p, e);
            return reply(500, answer(500, "internal error: " + e, null), null);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            Reply r = handle(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Content-Type"), body);
            if (r.allow() != null) {
                ex.getResponseHeaders().set("Allow", r.allow());
            }
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(r.status(), r.json().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.json());
            }
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new BadRequestException(405, null, "method " + method + " not allowed; use " + allowed);
        }
    }

    private JsonNode readJson(String contentType, byte[] body) {
        if (contentType != null) {
            String t = contentType.toLowerCase(Locale.ROOT);
            if (!t.contains("json") && !t.startsWith("text/plain") && !t.startsWith("application/x-www-form-urlencoded")) {
                throw new BadRequestException(415, null, "expected a JSON body (Content-Type: application/json), got " + contentType);
            }
        }
        if (body == null || body.length == 0) {
            throw new BadRequestException("body", "empty; expected a JSON object");
        }
        if (body.length > MAX_BODY) {
            throw new BadRequestException(413, "body", "larger than " + MAX_BODY + " bytes");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new BadRequestException("body", "not valid JSON: " + msg);
        }
    }

    private Reply reply(int status, Object body, String allow) {
        try {
            return new Reply(status, json.writeValueAsBytes(body), allow);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
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

}
