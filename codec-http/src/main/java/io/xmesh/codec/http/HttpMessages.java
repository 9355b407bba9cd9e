package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Header surgery shared by both sides, and the proxy's own plain-text responses. Stateless. */
final class HttpMessages {

    /** Header the proxy puts on every response it makes itself, saying why. */
    static final String ERROR_HEADER = "x-xmesh-error";

    /** Longest message text put into a proxy-made response body. */
    static final int MAX_MESSAGE_CHARS = 1024;

    private HttpMessages() {
    }

    /**
     * Removes the hop-by-hop fields of RFC 9110 section 7.6.1: those named in {@code Connection},
     * then Connection, Proxy-Connection, Keep-Alive, TE, Upgrade and Transfer-Encoding. Message
     * framing is kept: a chunked message gets {@code Transfer-Encoding: chunked} back (the next
     * hop's encoder re-chunks it), and {@code Connection} can never remove Content-Length, Host or
     * Transfer-Encoding (a client naming them there could otherwise desynchronise the upstream).
     */
    static void stripHopByHop(HttpMessage msg) {
        HttpHeaders h = msg.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(msg);
        List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
        if (!connection.isEmpty()) {
            List<String> named = new ArrayList<>();
            for (String field : connection) {
                for (String token : field.split(",")) {
                    String t = token.trim().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty() && !t.equals("content-length") && !t.equals("host")
                            && !t.equals("transfer-encoding")) {
                        named.add(t);
                    }
                }
            }
            for (String name : named) {
                h.remove(name);
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("proxy-connection");
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.UPGRADE);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /** Appends this hop to {@code Via} (RFC 9110 7.6.3): "1.1 xmesh"; nothing when pseudonym is empty. */
    static void addVia(HttpMessage msg, HttpVersion receivedVersion, String pseudonym) {
        if (pseudonym.isEmpty()) {
            return;
        }
        msg.headers().add(HttpHeaderNames.VIA,
                receivedVersion.majorVersion() + "." + receivedVersion.minorVersion() + " " + pseudonym);
    }

    /**
     * A complete plain-text response made by the proxy: status, {@code x-xmesh-error: reason},
     * {@code Content-Type: text/plain; charset=utf-8}, Content-Length, and {@code Connection: close}
     * unless {@code keepAlive}.
     *
     * @return a new response; <b>ownership is transferred</b> to the caller (it holds one buffer)
     */
    static FullHttpResponse plainResponse(ByteBufAllocator alloc, HttpResponseStatus status, String reason,
                                          String message, boolean keepAlive) {
        String text = message == null ? status.reasonPhrase() : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS);
        }
        ByteBuf body = ByteBufUtil.writeUtf8(alloc, text + "\n");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        res.headers().set(ERROR_HEADER, reason);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    /** True when every character is an ASCII digit (RFC 9110 Content-Length = 1*DIGIT). */
    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
