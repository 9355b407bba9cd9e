package io.xmesh.xprotocol.codec;

/**
 * What a codec needs to build a reply to a request later, after the request frame itself has
 * been forwarded and released: for example Dubbo's serialization id, or HTTP's version and
 * keep-alive. Opaque to the proxy, which stores it with the pending request and hands it back
 * to {@link XProtocol#errorReply}.
 *
 * <p>Implementations are immutable, hold no buffers, and should be shared constants where
 * possible so that keeping one per in-flight request costs nothing.
 */
public interface ReplyTemplate {
}
