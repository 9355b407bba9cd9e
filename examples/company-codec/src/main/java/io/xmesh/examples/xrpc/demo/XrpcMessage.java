package io.xmesh.examples.xrpc.demo;

import io.xmesh.examples.xrpc.XrpcWire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An xrpc message as the demo applications see it: fully decoded, on the heap, no reference
 * counting. (The xmesh plugin never decodes this much; it forwards bytes.)
 *
 * @param flags     flags byte ({@link XrpcWire#FLAG_RESPONSE} and friends)
 * @param requestId request id
 * @param status    status, 0 on requests
 * @param service   service name, may be empty on responses and heartbeats
 * @param method    method name, may be empty on responses and heartbeats
 * @param payload   payload bytes (not copied: treat as immutable)
 */
public record XrpcMessage(int flags, long requestId, int status, String service, String method, byte[] payload) {

    public XrpcMessage {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(payload, "payload");
    }

    /** A two-way request. */
    public static XrpcMessage request(long id, String service, String method, byte[] payload) {
        return new XrpcMessage(0, id, 0, service, method, payload);
    }

    /** A heartbeat request. */
    public static XrpcMessage heartbeat(long id) {
        return new XrpcMessage(XrpcWire.FLAG_HEARTBEAT, id, 0, "", "", new byte[0]);
    }

    /** A response to {@code request}. */
    public static XrpcMessage response(XrpcMessage request, int status, byte[] payload) {
        return new XrpcMessage(XrpcWire.FLAG_RESPONSE, request.requestId(), status, "", "", payload);
    }

    public boolean isResponse() {
        return (flags & XrpcWire.FLAG_RESPONSE) != 0;
    }

    public boolean isHeartbeat() {
        return (flags & XrpcWire.FLAG_HEARTBEAT) != 0;
    }

    public boolean isOneway() {
        return (flags & XrpcWire.FLAG_ONEWAY) != 0;
    }

    /** The payload as UTF-8 text. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XrpcMessage m && flags == m.flags && requestId == m.requestId && status == m.status
                && service.equals(m.service) && method.equals(m.method) && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(flags, requestId, status, service, method, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "XrpcMessage[flags=" + flags + ", id=" + requestId + ", status=" + status + ", " + service + "/" + method
                + ", " + payload.length + " payload bytes]";
    }
}
