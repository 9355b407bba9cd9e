package io.xmesh.testkit;

import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.ProtocolSide;

import java.util.Objects;

/**
 * Bytes that the decoder on {@code side} must refuse with a {@link CodecException} (and nothing
 * else: no frame, no other exception, no leaked buffer). Used by {@link XProtocolContractTest}.
 *
 * <p>Typical samples: a wrong magic or version after a valid start, a negative or inconsistent
 * length field, an unknown frame type, a name that is not valid UTF-8.
 *
 * @param name  shown in assertion messages
 * @param side  which end decodes it
 * @param bytes the bytes fed, all at once (the array is copied)
 */
public record CorruptSample(String name, ProtocolSide side, byte[] bytes) {

    public CorruptSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(side, "side");
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    /** Corrupt bytes received by a listener (xmesh is the server). */
    public static CorruptSample server(String name, byte[] bytes) {
        return new CorruptSample(name, ProtocolSide.SERVER, bytes);
    }

    /** Corrupt bytes received from an upstream (xmesh is the client). */
    public static CorruptSample client(String name, byte[] bytes) {
        return new CorruptSample(name, ProtocolSide.CLIENT, bytes);
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorruptSample c && name.equals(c.name) && side == c.side
                && java.util.Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, side, java.util.Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "CorruptSample[" + name + ", " + side + ", " + bytes.length + " bytes]";
    }
}
