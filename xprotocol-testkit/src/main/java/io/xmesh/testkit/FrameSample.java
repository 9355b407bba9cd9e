package io.xmesh.testkit;

import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One complete, well-formed frame of the protocol under test, with what decoding it must give.
 * Used by {@link XProtocolContractTest}.
 *
 * <p>Immutable; {@link #bytes()} returns a copy. Build one with {@link #of} and refine it with the
 * {@code with...} methods:
 * <pre>{@code
 * FrameSample.of("echo request", FrameKind.REQUEST, 7, HexVectors.resource(getClass(), "echo-request.hex"))
 *            .withHeader(RoutingHeaders.SERVICE, "demo.Echo")
 *            .withHeader(RoutingHeaders.METHOD, "echo");
 * }</pre>
 *
 * @param name      shown in assertion messages
 * @param kind      the {@link XFrame#kind()} decoding must give
 * @param requestId the {@link XFrame#requestId()} decoding must give
 * @param headers   routing headers the decoded frame must expose with exactly these values
 *                  (other headers may exist too); a {@code null} value means "must be absent"
 * @param status    the {@link XFrame#status()} decoding must give, or {@link #ANY_STATUS}
 * @param bytes     the frame's bytes on the wire (copied)
 */
public record FrameSample(String name, FrameKind kind, long requestId, Map<String, String> headers, int status,
                          byte[] bytes) {

    /** {@link #status()} value meaning "not checked". */
    public static final int ANY_STATUS = Integer.MIN_VALUE;

    public FrameSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new IllegalArgumentException(name + ": a frame sample cannot be empty");
        }
        // Map.copyOf rejects null values, which mean "absent" here.
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
        bytes = bytes.clone();
    }

    /** A sample with no expected headers and an unchecked status. {@code bytes} is copied. */
    public static FrameSample of(String name, FrameKind kind, long requestId, byte[] bytes) {
        return new FrameSample(name, kind, requestId, Map.of(), ANY_STATUS, bytes);
    }

    /** This sample, also expecting header {@code header} to be {@code value} ({@code null}: absent). */
    public FrameSample withHeader(String header, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(header, value);
        return new FrameSample(name, kind, requestId, copy, status, bytes);
    }

    /** This sample, also expecting {@link XFrame#status()} to be {@code expected}. */
    public FrameSample withStatus(int expected) {
        return new FrameSample(name, kind, requestId, headers, expected, bytes);
    }

    /** A copy of the frame's bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The frame's length in bytes. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSample s && name.equals(s.name) && kind == s.kind && requestId == s.requestId
                && headers.equals(s.headers) && status == s.status && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, requestId, headers, status, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "FrameSample[" + name + ", " + kind + ", id=" + requestId + ", " + bytes.length + " bytes]";
    }
}
