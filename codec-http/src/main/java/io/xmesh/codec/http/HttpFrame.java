package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * One HTTP/1.1 message part as the proxy sees it. HTTP is streamed, so one message is one
 * <em>head</em> frame followed by zero or more {@link FrameKind#DATA} frames:
 *
 * <pre>
 *  request  "POST /up HTTP/1.1 ... Transfer-Encoding: chunked"   body "5\r\nhello\r\n0\r\n\r\n"
 *  frames   [REQUEST id=7 eos=false head=HttpRequest] [DATA id=7 eos=false "hello"] [DATA id=7 eos=true ""]
 *
 *  request  "GET / HTTP/1.1 ..." (no body)
 *  frames   [REQUEST id=8 eos=true head=HttpRequest]
 * </pre>
 *
 * <h2>What {@link #content()} is</h2>
 * HTTP/1.1 has no request id on the wire and the proxy must rewrite hop-by-hop headers, so the
 * frame does not keep the received head bytes. A head frame holds the decoded Netty
 * {@link HttpMessage} (headers already sanitized for forwarding) and is re-encoded by the
 * peer channel's Netty encoder; its {@code content()} is the body bytes it carries: empty for a
 * decoded head, the whole body for a proxy-built {@link io.xmesh.xprotocol.codec.XProtocol#errorReply
 * error reply}. A {@code DATA} frame holds a Netty {@link HttpContent}; its {@code content()} is
 * that chunk's <em>payload</em> bytes (without chunked framing, which the encoder of the peer
 * channel writes again). So "forwarding the bytes" means writing the frame itself to the peer
 * channel; the payload bytes are never copied.
 *
 * <h2>Ownership</h2>
 * The frame has its own reference count, starting at one. It owns the HTTP object it holds: when
 * the count reaches zero, a held {@link HttpContent} or {@link FullHttpMessage} is released.
 * Writing the frame to a channel set up by {@link HttpProtocol} transfers ownership to that
 * channel's handler, which releases it.
 *
 * <h2>Threading</h2>
 * Not thread-safe; used on the event loop of the channel that decoded it or that it is written to.
 */
public final class HttpFrame extends AbstractReferenceCounted implements XFrame {

    private final FrameKind kind;
    private final HttpObject message;
    private final boolean endOfStream;
    private final ReplyTemplate replyTemplate;
    private long requestId;

    private HttpFrame(FrameKind kind, long requestId, HttpObject message, boolean endOfStream,
                      ReplyTemplate replyTemplate) {
        this.kind = kind;
        this.requestId = requestId;
        this.message = Objects.requireNonNull(message, "message");
        this.endOfStream = endOfStream;
        this.replyTemplate = replyTemplate;
    }

    /**
     * A request head.
     *
     * @param request the request; a {@link FullHttpMessage} is <b>owned</b> by the frame from now on
     */
    static HttpFrame request(long id, HttpRequest request, boolean endOfStream, ReplyTemplate template) {
        return new HttpFrame(FrameKind.REQUEST, id, request, endOfStream, Objects.requireNonNull(template));
    }

    /**
     * A response head.
     *
     * @param response the response; a {@link FullHttpMessage} is <b>owned</b> by the frame from now on
     */
    static HttpFrame response(long id, HttpResponse response, boolean endOfStream) {
        return new HttpFrame(FrameKind.RESPONSE, id, response, endOfStream, null);
    }

    /**
     * A body part; end of stream when {@code content} is a {@link LastHttpContent}.
     *
     * @param content the chunk; <b>ownership is transferred</b> to the frame
     */
    static HttpFrame data(long id, HttpContent content) {
        return new HttpFrame(FrameKind.DATA, id, content, content instanceof LastHttpContent, null);
    }

    @Override
    public String protocol() {
        return HttpProtocol.NAME;
    }

    @Override
    public FrameKind kind() {
        return kind;
    }

    @Override
    public long requestId() {
        return requestId;
    }

    /** Sets the id; nothing is on the wire to rewrite, the id lives in the frame only. */
    @Override
    public void setRequestId(long requestId) {
        this.requestId = requestId;
    }

    /**
     * Routing headers. Requests expose {@code :method}, {@code :path} (request target with
     * query, origin form), {@code :authority} (Host, lower case, port as sent); responses expose
     * {@code :status}; both expose every header under its lower-case name (several fields of one
     * name are joined with ", "). {@code DATA} frames expose nothing. Cheap: reads the decoded
     * head, never the body.
     */
    @Override
    public String header(String name) {
        if (!(message instanceof HttpMessage msg)) {
            return null;
        }
        if (!name.isEmpty() && name.charAt(0) == ':') {
            if (msg instanceof HttpRequest req) {
                return switch (name) {
                    case RoutingHeaders.AUTHORITY -> {
                        String host = req.headers().get(HttpHeaderNames.HOST);
                        yield host == null ? null : host.toLowerCase(Locale.ROOT);
                    }
                    case RoutingHeaders.PATH -> req.uri();
                    case RoutingHeaders.HTTP_METHOD -> req.method().name();
                    default -> null;
                };
            }
            return ":status".equals(name) ? Integer.toString(((HttpResponse) msg).status().code()) : null;
        }
        List<String> values = msg.headers().getAll(name);
        if (values.isEmpty()) {
            return null;
        }
        return values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        if (!(message instanceof HttpMessage msg)) {
            return;
        }
        if (msg instanceof HttpRequest) {
            for (String pseudo : new String[] {RoutingHeaders.HTTP_METHOD, RoutingHeaders.PATH,
                    RoutingHeaders.AUTHORITY}) {
                String v = header(pseudo);
                if (v != null) {
                    action.accept(pseudo, v);
                }
            }
        } else {
            action.accept(":status", header(":status"));
        }
        for (Map.Entry<String, String> e : msg.headers()) {
            action.accept(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
    }

    /** Sets (replaces) a header of a head frame; {@code DATA} frames return false. */
    @Override
    public boolean setHeader(String name, String value) {
        if (message instanceof HttpMessage msg) {
            msg.headers().set(name, value);
            return true;
        }
        return false;
    }

    @Override
    public int status() {
        return message instanceof HttpResponse res ? res.status().code() : 0;
    }

    /** A response with status 5xx. */
    @Override
    public boolean isServerError() {
        return status() >= 500;
    }

    /**
     * RFC 9110 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE requests are idempotent; POST,
     * PATCH, CONNECT and unknown methods are not. Responses and DATA frames say true (not requests).
     */
    @Override
    public boolean idempotent() {
        if (!(message instanceof HttpRequest req)) {
            return true;
        }
        return switch (req.method().name()) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    @Override
    public boolean endOfStream() {
        return endOfStream;
    }

    /** Non-null for {@link FrameKind#REQUEST} frames: the request's HTTP version and keep-alive. */
    @Override
    public ReplyTemplate replyTemplate() {
        return replyTemplate;
    }

    /**
     * The body bytes this frame carries (see the class javadoc): the chunk payload of a DATA frame,
     * the body of a proxy-built full response, otherwise an empty buffer. <b>Borrowed</b>.
     */
    @Override
    public ByteBuf content() {
        if (message instanceof HttpContent c) {
            return c.content();
        }
        return Unpooled.EMPTY_BUFFER;
    }

    /** Whether this is a head frame (request or response line and headers). */
    public boolean isHead() {
        return message instanceof HttpMessage;
    }

    /**
     * The Netty object this frame holds: an {@link HttpRequest}/{@link HttpResponse} (maybe a
     * {@link FullHttpMessage}) for a head frame, an {@link HttpContent} for a DATA frame.
     * <b>Borrowed</b>: valid while the frame is; do not release it.
     */
    public HttpObject httpObject() {
        return message;
    }

    @Override
    protected void deallocate() {
        ReferenceCountUtil.release(message);
    }

    @Override
    public HttpFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public HttpFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public HttpFrame touch() {
        return touch(null);
    }

    @Override
    public HttpFrame touch(Object hint) {
        ReferenceCountUtil.touch(message, hint);
        return this;
    }

    @Override
    public String toString() {
        String what = message instanceof HttpRequest r ? r.method() + " " + r.uri()
                : message instanceof HttpResponse r ? Integer.toString(r.status().code())
                : ((HttpContent) message).content().readableBytes() + " bytes";
        return "HttpFrame[" + kind + " id=" + requestId + " eos=" + endOfStream + " " + what + "]";
    }
}
