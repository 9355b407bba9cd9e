package io.xmesh.filters;

import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.router.RetryPolicy;
import io.xmesh.xprotocol.router.Route;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A plain {@link StreamContext} for unit tests: fields set directly. */
public class FakeStreamContext implements StreamContext {

    public String listener = "egress";
    public String protocol = "dubbo";
    public SocketAddress remote = new InetSocketAddress("127.0.0.1", 40000);
    public Route route;
    public String upstreamHost;
    public long startNanos = System.nanoTime();
    public final Map<String, String> headers = new HashMap<>();
    public ErrorKind error;
    public int status;
    public long requestBytes;
    public long responseBytes;
    public final Map<String, Object> attributes = new HashMap<>();

    public FakeStreamContext header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public FakeStreamContext route(String name) {
        this.route = route(name, "cluster-" + name);
        return this;
    }

    public static Route route(String name, String cluster) {
        return new Route(name, cluster, Duration.ofSeconds(3), RetryPolicy.NONE, null, Map.of());
    }

    @Override
    public String listener() {
        return listener;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public String upstreamHost() {
        return upstreamHost;
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    @Override
    public String requestHeader(String name) {
        return headers.get(name);
    }

    @Override
    public ErrorKind error() {
        return error;
    }

    @Override
    public int responseStatus() {
        return status;
    }

    @Override
    public long requestBytes() {
        return requestBytes;
    }

    @Override
    public long responseBytes() {
        return responseBytes;
    }

    @Override
    public Object attribute(String key) {
        return attributes.get(key);
    }

    @Override
    public void attribute(String key, Object value) {
        attributes.put(key, value);
    }
}
