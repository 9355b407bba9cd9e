package io.xmesh.filters.accesslog;

import io.xmesh.filters.FilterAttributes;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.router.Route;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * An immutable snapshot of one finished request, taken on the event loop (cheap: field reads only) and
 * formatted later on the access-log thread by {@link #toJson}.
 */
record AccessLogEntry(long epochMillis, String listener, String protocol, SocketAddress downstream,
                      String service, String method, String version, String group,
                      String authority, String path, String httpMethod,
                      String route, String cluster, String upstreamHost, int status, long requestBytes,
                      long responseBytes, long durationNanos, String traceId, ErrorKind error, String reason) {

    /**
     * Captures the request. Runs on the event loop of the request.
     *
     * @param nowMillis wall clock now ({@link System#currentTimeMillis()})
     * @param nowNanos  monotonic clock now ({@link System#nanoTime()})
     */
    static AccessLogEntry capture(StreamContext ctx, long nowMillis, long nowNanos) {
        long duration = Math.max(0L, nowNanos - ctx.startNanos());
        Route route = ctx.route();
        Object trace = ctx.attribute(FilterAttributes.TRACE_ID);
        Object reason = ctx.attribute(FilterAttributes.ERROR_REASON);
        return new AccessLogEntry(nowMillis - duration / 1_000_000L, ctx.listener(), ctx.protocol(),
                ctx.remoteAddress(),
                header(ctx, RoutingHeaders.SERVICE), header(ctx, RoutingHeaders.METHOD),
                header(ctx, RoutingHeaders.VERSION), header(ctx, RoutingHeaders.GROUP),
                header(ctx, RoutingHeaders.AUTHORITY), header(ctx, RoutingHeaders.PATH),
                header(ctx, RoutingHeaders.HTTP_METHOD),
                route == null ? null : route.name(), route == null ? null : route.cluster(),
                ctx.upstreamHost(), ctx.responseStatus(), ctx.requestBytes(), ctx.responseBytes(), duration,
                trace == null ? null : trace.toString(), ctx.error(), reason == null ? null : reason.toString());
    }

    private static String header(StreamContext ctx, String name) {
        try {
            return ctx.requestHeader(name);
        } catch (RuntimeException e) {
            // a header that cannot be read (CodecException) is logged as absent
            return null;
        }
    }

    /** One JSON object, no line break. Every key is always present; absent values are {@code null}. */
    String toJson() {
        StringBuilder sb = new StringBuilder(384);
        sb.append("{\"time\":");
        Json.appendString(sb, Instant.ofEpochMilli(epochMillis).toString());
        field(sb, "listener", listener);
        field(sb, "protocol", protocol);
        field(sb, "downstream", address(downstream));
        field(sb, "service", service);
        field(sb, "method", method);
        field(sb, "version", version);
        field(sb, "group", group);
        field(sb, "authority", authority);
        field(sb, "path", path);
        field(sb, "http_method", httpMethod);
        field(sb, "route", route);
        field(sb, "cluster", cluster);
        field(sb, "upstream_host", upstreamHost);
        sb.append(",\"status\":").append(status);
        sb.append(",\"request_bytes\":").append(requestBytes);
        sb.append(",\"response_bytes\":").append(responseBytes);
        sb.append(",\"duration_ms\":");
        long micros = durationNanos / 1_000L;
        sb.append(micros / 1_000L).append('.');
        long frac = micros % 1_000L;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
        field(sb, "trace_id", traceId);
        field(sb, "error", error == null ? null : error.name());
        field(sb, "reason", reason);
        sb.append('}');
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":");
        Json.appendString(sb, value);
    }

    private static String address(SocketAddress a) {
        if (a == null) {
            return null;
        }
        if (a instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return a.toString();
    }
}
