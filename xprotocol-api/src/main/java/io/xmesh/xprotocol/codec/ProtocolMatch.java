package io.xmesh.xprotocol.codec;

/** Answer of {@link XProtocol#match}: whether the first bytes of a connection belong to a protocol. */
public enum ProtocolMatch {
    /** The bytes are this protocol's. */
    MATCH,
    /** The bytes cannot be this protocol's, whatever follows. */
    NO_MATCH,
    /** Too few bytes to decide; ask again when more have arrived. */
    NEED_MORE
}
