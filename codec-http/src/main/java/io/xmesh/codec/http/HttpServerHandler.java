package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.XFrame;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's end of a client's HTTP/1.1 connection ({@code ProtocolSide.SERVER}), after Netty's
 * request decoder and response encoder.
 *
 * <h2>Inbound: decoded requests to frames</h2>
 * Each request gets the next id of this connection (1, 2, 3...). Its head becomes a
 * {@code REQUEST} {@link HttpFrame} whose headers are ready to forward (hop-by-hop fields removed,
 * {@code Via}, {@code X-Forwarded-For}, {@code X-Forwarded-Proto} added, {@code Expect} removed,
 * absolute-form target turned into origin form plus Host, version set to 1.1); its body becomes
 * {@code DATA} frames. Frames are fired to the next handler, which owns them.
 *
 * <h2>What this handler answers itself</h2>
 * Malformed, hostile or over-limit requests never reach the proxy as frames (or, when the head
 * was already forwarded, stop mid-body). The handler queues its own plain-text response with an
 * {@code x-xmesh-error} header in that request's place in the response order, stops reading,
 * writes the answer when its turn comes, fires a non-fatal {@link HttpCodecException} (informational:
 * the answer is already written; see there) and closes the connection gracefully: 400 bad request line, bad header,
 * smuggling pairs (CL+TE, several or non-numeric Content-Length, a transfer coding other than
 * chunked), bad chunk size; 408 header-read or body-read timeout; 413 body above
 * {@code max-body-size}; 414 request line too long; 417 unknown expectation; 431 header block too
 * large or too many fields; 501 CONNECT; 505 HTTP major version other than 1. It also answers
 * {@code Expect: 100-continue} with {@code 100 Continue} when the request reaches the front of the
 * response order.
 *
 * <h2>Outbound: frames back to responses, in request order</h2>
 * The proxy writes {@code RESPONSE} and {@code DATA} frames carrying the request's id. HTTP/1.1
 * answers in request order, so frames of a response whose request is not yet at the front are held
 * (at most {@code max-reorder-buffer-bytes} of body; beyond that the connection is closed) and
 * written when all earlier responses are complete. Frames for an id that is unknown, already
 * answered, or answered by this handler are released and their promise failed. Response framing is
 * fixed for the client: chunked for an HTTP/1.1 client when the upstream body had no length,
 * close-delimited for an HTTP/1.0 client, {@code Connection: close} (then a close after the last
 * byte) when the request asked for it.
 *
 * <h2>Ownership and threading</h2>
 * Every method runs on the channel's event loop. Inbound HTTP objects are owned here and either
 * passed on inside a frame or released; written frames are owned here from the call on and released
 * (their Netty object passed retained to the encoder). Held frames are released when the channel
 * closes or the handler is removed. Reading is paused (auto-read off) while
 * {@code max-pipelined-requests} requests await their response.
 */
final class HttpServerHandler extends ChannelDuplexHandler {

    private static final HttpResponseStatus TOO_LARGE = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    /** How long a closing connection keeps discarding input after its last response. */
    static final long LINGER_MILLIS = 2000;
    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final HttpSettings settings;
    private final HeadAwareResponseEncoder encoder;
    private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>();

    private ChannelHandlerContext ctx;
    private String clientAddress;
    private long nextId = 1;
    /** The exchange whose request body is being read, or null. */
    private Exchange reading;
    private long bodyBytes;
    /** The last head had no body: drop the empty LastHttpContent the decoder emits after it. */
    private boolean swallowLast;
    /** The request being read is the last one (Connection: close); input ends with it. */
    private boolean lastRequest;
    /** No more requests are read (error, close requested); inbound objects are released. */
    private boolean inputClosed;
    /** The connection is closing; nothing more is written. */
    private boolean outputClosed;
    private long reorderBytes;
    private boolean pausedReading;

    private boolean awaitingHead = true;
    /** When the first byte of the head being read arrived, or NOT_STARTED. */
    private long headStartNanos = NOT_STARTED;
    /** Last read, or last response completed. */
    private long lastActivityNanos;
    private Ticker ticker;
    private ScheduledFuture<?> timer;

    HttpServerHandler(HttpSettings settings, HeadAwareResponseEncoder encoder) {
        this.settings = settings;
        this.encoder = encoder;
    }

    /** A handler to put before the decoder: reports raw reads, for the header and idle timers. */
    ChannelInboundHandlerAdapter readWatcher() {
        return new ChannelInboundHandlerAdapter() {
            /** Passes {@code msg} on unchanged; ownership moves with it. */
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof ByteBuf b && b.isReadable()) {
                    onBytesRead();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startTimer();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cleanup();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanup();
    }

    private void cleanup() {
        inputClosed = true;
        outputClosed = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Exchange ex;
        while ((ex = exchanges.pollFirst()) != null) {
            ex.discard(new ClosedChannelException());
        }
        reorderBytes = 0;
    }

    // ---------------------------------------------------------------- timers

    /*
     * One periodic check per connection (period: half the smaller timeout) instead of a timer per
     * request: a head that takes longer than header-read-timeout-ms is answered 408 within 1.5 times
     * that; a connection with nothing read or answered for idle-timeout-ms is closed (or, mid-body,
     * answered 408) within 1.5 times that. Times come from the event loop's ticker.
     */

    private void startTimer() {
        if (timer != null || outputClosed) {
            return;
        }
        ticker = ctx.executor().ticker();
        lastActivityNanos = ticker.nanoTime();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(Math.min(settings.headerReadTimeoutMillis(), settings.idleTimeoutMillis())) / 2);
        timer = ctx.executor().scheduleWithFixedDelay(this::onTimerCheck, period, period, TimeUnit.NANOSECONDS);
    }

    private void onBytesRead() {
        if (ticker == null) {
            return;
        }
        long now = ticker.nanoTime();
        lastActivityNanos = now;
        if (awaitingHead && headStartNanos == NOT_STARTED && !inputClosed) {
            headStartNanos = now;
        }
    }

    private void onTimerCheck() {
        if (outputClosed) {
            return;
        }
        long now = ticker.nanoTime();
        if (!inputClosed && awaitingHead && headStartNanos != NOT_STARTED
                && now - headStartNanos >= TimeUnit.MILLISECONDS.toNanos(settings.headerReadTimeoutMillis())) {
            reject(HttpResponseStatus.REQUEST_TIMEOUT, "header-read-timeout",
                    "xmesh: request header not received within " + settings.headerReadTimeoutMillis() + " ms");
            return;
        }
        if (now - lastActivityNanos < TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMillis())) {
            return;
        }
        if (reading != null && !inputClosed) {
            abortExchange(reading, HttpResponseStatus.REQUEST_TIMEOUT, "body-read-timeout",
                    "xmesh: no request body bytes received for " + settings.idleTimeoutMillis() + " ms");
        } else if (exchanges.isEmpty() && headStartNanos == NOT_STARTED) {
            ctx.close();
        }
        // otherwise responses are awaited: the proxy's route timeout governs
    }

    // ---------------------------------------------------------------- inbound

    /**
     * Takes ownership of {@code msg}: HTTP objects are passed on inside a frame (ownership
     * transferred to the next handler) or released; anything else is passed on unchanged.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (inputClosed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req) {
            try {
                onHead(req);
            } finally {
                if (req instanceof FullHttpMessage) {
                    // only the decoder's "invalid message" is a full one; never forwarded
                    ReferenceCountUtil.release(req);
                }
            }
        } else {
            onContent((HttpContent) msg);
        }
    }

    private void onHead(HttpRequest req) {
        headStartNanos = NOT_STARTED;
        awaitingHead = false;
        if (req instanceof FullHttpMessage || swallowLast || reading != null) {
            // a full message is the decoder's "invalid message"; the others cannot happen
            Throwable cause = req.decoderResult().cause();
            rejectDecoderFailure(cause != null ? cause : new IllegalStateException("unexpected request head"));
            return;
        }
        DecoderResult result = req.decoderResult();
        if (result.isFailure()) {
            rejectDecoderFailure(result.cause());
            return;
        }
        if (!validateAndPrepare(req)) {
            return;
        }
        HttpHeaders h = req.headers();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean http11 = req.protocolVersion().minorVersion() >= 1;
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        long length = chunked ? -1 : HttpUtil.getContentLength(req, 0L);
        boolean bodyFollows = chunked || length > 0;
        boolean expectContinue = bodyFollows && h.contains(HttpHeaderNames.EXPECT);
        HttpVersion received = req.protocolVersion();

        HttpMessages.stripHopByHop(req);
        h.remove(HttpHeaderNames.EXPECT);
        HttpMessages.addVia(req, received, settings.via());
        if (settings.xForwardedFor()) {
            String client = clientAddress();
            if (client != null) {
                String prior = h.get("x-forwarded-for");
                h.set("x-forwarded-for", prior == null ? client : prior + ", " + client);
            }
        }
        if (!settings.xForwardedProto().isEmpty()) {
            h.set("x-forwarded-proto", settings.xForwardedProto());
        }
        req.setProtocolVersion(HttpVersion.HTTP_1_1);

        Exchange ex = new Exchange(nextId++, HttpMethod.HEAD.equals(req.method()), http11, keepAlive);
        ex.continueWanted = expectContinue;
        exchanges.addLast(ex);
        if (!keepAlive) {
            lastRequest = true;
        }
        if (bodyFollows) {
            reading = ex;
            bodyBytes = 0;
        } else {
            swallowLast = true;
            requestComplete();
        }
        if (expectContinue && exchanges.peekFirst() == ex) {
            sendContinue(ex);
            ctx.flush();
        }
        ctx.fireChannelRead(HttpFrame.request(ex.id, req, !bodyFollows, HttpReplyTemplate.of(http11, keepAlive)));
    }

    /** The peer's IP address as text (computed once per connection), or null when not an IP socket. */
    private String clientAddress() {
        if (clientAddress == null) {
            SocketAddress remote = ctx.channel().remoteAddress();
            clientAddress = remote instanceof InetSocketAddress isa && isa.getAddress() != null
                    ? isa.getAddress().getHostAddress() : "";
        }
        return clientAddress.isEmpty() ? null : clientAddress;
    }

    /**
     * Checks a decoded head against the smuggling rules and limits, and turns an absolute-form
     * target into origin form. Answers and returns false when the request is refused.
     */
    private boolean validateAndPrepare(HttpRequest req) {
        HttpHeaders h = req.headers();
        HttpVersion v = req.protocolVersion();
        if (v.majorVersion() != 1) {
            reject(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "version-not-supported",
                    "xmesh: only HTTP/1.x is served here");
            return false;
        }
        if (h.size() > settings.maxHeaderCount()) {
            reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too-many-headers",
                    "xmesh: more than " + settings.maxHeaderCount() + " header fields");
            return false;
        }
        List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                return badRequest("both Transfer-Encoding and Content-Length");
            }
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked") || v.minorVersion() == 0) {
                return badRequest("unsupported Transfer-Encoding");
            }
        }
        if (cl.size() > 1) {
            return badRequest("several Content-Length fields");
        }
        long length = 0;
        if (cl.size() == 1) {
            String value = cl.get(0).trim();
            if (!HttpMessages.isDigits(value) || value.length() > 18) {
                return badRequest("invalid Content-Length");
            }
            length = Long.parseLong(value);
        }
        if (length > settings.maxBodySize()) {
            reject(TOO_LARGE, "body-too-large",
                    "xmesh: request body of " + length + " bytes exceeds " + settings.maxBodySize());
            return false;
        }
        List<String> hosts = h.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && v.minorVersion() >= 1)) {
            return badRequest("an HTTP/1.1 request needs exactly one Host field");
        }
        String expect = h.get(HttpHeaderNames.EXPECT);
        if (expect != null && (h.getAll(HttpHeaderNames.EXPECT).size() != 1
                || !expect.trim().equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString()))) {
            reject(HttpResponseStatus.EXPECTATION_FAILED, "expectation-failed",
                    "xmesh: only Expect: 100-continue is supported");
            return false;
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            reject(HttpResponseStatus.NOT_IMPLEMENTED, "connect-not-supported", "xmesh: CONNECT is not supported");
            return false;
        }
        String uri = req.uri();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == 0x7F) {
                return badRequest("control character in the request target");
            }
        }
        if (uri.startsWith("/")) {
            return true;
        }
        if (uri.equals("*") && HttpMethod.OPTIONS.equals(req.method())) {
            return true;
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return badRequest("invalid request target");
        }
        int end = schemeEnd;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(schemeEnd, end);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return badRequest("invalid authority in request target");
        }
        String path = uri.substring(end);
        req.setUri(path.isEmpty() || path.charAt(0) != '/' ? "/" + path : path);
        h.set(HttpHeaderNames.HOST, authority); // RFC 9112 3.2.2: the target's authority wins
        return true;
    }

    private boolean badRequest(String why) {
        reject(HttpResponseStatus.BAD_REQUEST, "bad-request", "xmesh: bad request: " + why);
        return false;
    }

    private void rejectDecoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            reject(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request-line-too-long",
                    "xmesh: request line longer than " + settings.maxInitialLineLength() + " bytes");
        } else if (cause instanceof TooLongHttpHeaderException) {
            reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header-too-large",
                    "xmesh: request header larger than " + settings.maxHeaderSize() + " bytes");
        } else {
            reject(HttpResponseStatus.BAD_REQUEST, "bad-request", "xmesh: bad request: " + cause.getMessage());
        }
    }

    private void onContent(HttpContent c) {
        if (swallowLast) {
            swallowLast = false;
            boolean failed = c.decoderResult().isFailure();
            Throwable cause = c.decoderResult().cause();
            c.release();
            if (failed) {
                rejectDecoderFailure(cause);
            }
            return;
        }
        Exchange ex = reading;
        if (ex == null) {
            // content without a head: only after a rejected head, whose input is already closed
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            String why = String.valueOf(c.decoderResult().cause().getMessage());
            c.release();
            abortExchange(ex, HttpResponseStatus.BAD_REQUEST, "bad-request", "xmesh: bad request body: " + why);
            return;
        }
        bodyBytes += c.content().readableBytes();
        if (bodyBytes > settings.maxBodySize()) {
            c.release();
            abortExchange(ex, TOO_LARGE, "body-too-large",
                    "xmesh: request body exceeds " + settings.maxBodySize() + " bytes");
            return;
        }
        if (c instanceof LastHttpContent) {
            reading = null;
            requestComplete();
        }
        ctx.fireChannelRead(HttpFrame.data(ex.id, c));
    }

    /**
     * The request being read is complete. Reading pauses here (never mid-body, which could stall
     * the exchange the proxy is waiting on) when enough requests await their response.
     */
    private void requestComplete() {
        awaitingHead = true;
        if (lastRequest) {
            inputClosed = true;
        }
        if (exchanges.size() >= settings.maxPipelinedRequests() && !pausedReading && !inputClosed) {
            pausedReading = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Refuses a request whose head was not forwarded: answers in its place in the order, then closes. */
    private void reject(HttpResponseStatus status, String reason, String message) {
        Exchange ex = new Exchange(nextId++, false, true, false);
        exchanges.addLast(ex);
        stopInput();
        answerLocally(ex, status, reason, message, CodecException.NO_REQUEST_ID);
    }

    /** Refuses a request whose head was already forwarded, mid-body or on a timeout. */
    private void abortExchange(Exchange ex, HttpResponseStatus status, String reason, String message) {
        stopInput();
        if (ex.responseStarted) {
            // part of the real response is on the wire: no other answer is possible
            ex.local = true;
            failLater(new HttpCodecException(message, ex.id, status.code(), false));
            closeNow();
            return;
        }
        answerLocally(ex, status, reason, message, ex.id);
    }

    private void stopInput() {
        inputClosed = true;
        reading = null;
        headStartNanos = NOT_STARTED;
    }

    private void answerLocally(Exchange ex, HttpResponseStatus status, String reason, String message,
                               long reportedId) {
        reorderBytes -= ex.heldBytes;
        ex.discard(new HttpCodecException("answered by the codec: " + message, ex.id, status.code(), false));
        ex.local = true;
        ex.keepAlive = false;
        ex.continueWanted = false;
        ex.failure = new HttpCodecException(message, reportedId, status.code(), false);
        HttpResponse res = HttpMessages.plainResponse(ctx.alloc(), status, reason, message, false);
        ex.held.addLast(new Held(HttpFrame.response(ex.id, res, true), ctx.newPromise(), 0));
        drain();
    }

    private void failLater(HttpCodecException e) {
        ctx.executor().execute(() -> ctx.fireExceptionCaught(e));
    }

    private void closeNow() {
        outputClosed = true;
        ctx.flush();
        ctx.close();
    }

    // ---------------------------------------------------------------- outbound

    /**
     * Takes ownership of {@code msg}. An {@link HttpFrame} response or body part is written in
     * request order (maybe held first); other {@link XFrame}s are released and the promise failed;
     * anything else is passed on.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof XFrame)) {
            ctx.write(msg, promise);
            return;
        }
        if (!(msg instanceof HttpFrame f)) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalArgumentException("not an http frame: " + msg));
            return;
        }
        if (outputClosed) {
            f.release();
            promise.tryFailure(new ClosedChannelException());
            return;
        }
        Exchange ex = find(f.requestId());
        String problem = null;
        if (ex == null) {
            problem = "no request with id " + f.requestId() + " is awaiting a response";
        } else if (ex.local) {
            problem = "request " + f.requestId() + " was already answered by the codec";
        } else if (f.isHead() == ex.headReceived) {
            problem = f.isHead() ? "second response head for request " + f.requestId()
                    : "body part before the response head for request " + f.requestId();
        } else if (f.kind() == io.xmesh.xprotocol.codec.FrameKind.REQUEST) {
            problem = "a request frame cannot be written to a client connection";
        }
        if (problem != null) {
            f.release();
            promise.tryFailure(new IllegalStateException(problem));
            return;
        }
        if (f.isHead()) {
            ex.headReceived = true;
        }
        if (exchanges.peekFirst() == ex) {
            writeFrame(ex, f, promise);
            if (ex.done) {
                exchanges.pollFirst();
                afterExchangeRemoved();
                drain();
            }
        } else {
            long size = f.content().readableBytes();
            reorderBytes += size;
            ex.heldBytes += size;
            ex.held.addLast(new Held(f, promise, size));
            if (reorderBytes > settings.maxReorderBufferBytes()) {
                failLater(new HttpCodecException("xmesh: more than " + settings.maxReorderBufferBytes()
                        + " bytes of responses held back for pipelining order", ex.id, 0, false));
                closeNow();
            }
        }
    }

    private Exchange find(long id) {
        for (Exchange ex : exchanges) {
            if (ex.id == id) {
                return ex;
            }
        }
        return null;
    }

    /** Writes what can be written, front of the order first, and flushes if anything was written. */
    private void drain() {
        boolean wrote = false;
        Exchange ex;
        while (!outputClosed && (ex = exchanges.peekFirst()) != null) {
            if (ex.continueWanted) {
                sendContinue(ex);
                wrote = true;
            }
            Held h;
            while (!outputClosed && (h = ex.held.pollFirst()) != null) {
                reorderBytes -= h.size;
                ex.heldBytes -= h.size;
                writeFrame(ex, h.frame, h.promise);
                wrote = true;
            }
            if (!ex.done || outputClosed) {
                break;
            }
            exchanges.pollFirst();
            afterExchangeRemoved();
        }
        if (wrote && !outputClosed) {
            ctx.flush();
        }
    }

    private void sendContinue(Exchange ex) {
        ex.continueWanted = false;
        if (reading == ex) {
            encoder.answeringHead(false);
            ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
                    ctx.voidPromise());
        }
    }

    private void afterExchangeRemoved() {
        if (pausedReading && exchanges.size() < settings.maxPipelinedRequests() && !inputClosed) {
            pausedReading = false;
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    /** Writes one frame of the exchange at the front. Takes ownership of {@code f}. */
    private void writeFrame(Exchange ex, HttpFrame f, ChannelPromise promise) {
        HttpObject obj = f.httpObject();
        ReferenceCountUtil.retain(obj);
        boolean eos = f.endOfStream();
        f.release();
        if (obj instanceof HttpResponse res) {
            prepareResponseHead(ex, res, eos);
            encoder.answeringHead(ex.head);
            ex.responseStarted = true;
            if (eos && !(obj instanceof FullHttpMessage)) {
                ctx.write(obj, ctx.voidPromise());
                obj = LastHttpContent.EMPTY_LAST_CONTENT;
            }
        }
        if (!eos) {
            ctx.write(obj, promise);
            return;
        }
        ex.done = true;
        if (ticker != null) {
            lastActivityNanos = ticker.nanoTime();
        }
        if (!ex.closeAfter) {
            ctx.write(obj, promise);
            return;
        }
        // last response on this connection: write, flush, then close
        outputClosed = true;
        inputClosed = true;
        ChannelPromise written = ctx.newPromise();
        HttpCodecException failure = ex.failure;
        written.addListener((ChannelFutureListener) w -> {
            if (!promise.isVoid()) {
                if (w.isSuccess()) {
                    promise.trySuccess();
                } else {
                    promise.tryFailure(w.cause());
                }
            }
            if (failure != null && failure.hasRequestId()) {
                // the proxy knows this request: tell it now (it answers with a reply we refuse)
                ctx.fireExceptionCaught(failure);
            } else if (failure != null) {
                // nothing for the proxy to do but log; told once closed, so it cannot cut the answer short
                w.channel().closeFuture().addListener(c -> ctx.fireExceptionCaught(failure));
            }
            lingeringClose(w.channel());
        });
        ctx.writeAndFlush(obj, written);
    }

    /**
     * Closes after the last response without losing it: a close with unread request bytes in the
     * socket would send a TCP reset, which can destroy the response before the client reads it.
     * So the output is shut down first, further input is read and discarded (input is closed),
     * and the channel is closed when the client closes its side or after {@link #LINGER_MILLIS}.
     */
    private void lingeringClose(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
        }
        duplex.shutdownOutput().addListener(f -> {
            ch.config().setAutoRead(true);
            ch.read();
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /** Fixes framing and connection management of a response head for this client. */
    private static void prepareResponseHead(Exchange ex, HttpResponse res, boolean eos) {
        HttpHeaders h = res.headers();
        int code = res.status().code();
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        boolean noBody = ex.head || code == 204 || code == 304 || code / 100 == 1;
        if (!noBody && !chunked && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (eos) {
                h.set(HttpHeaderNames.CONTENT_LENGTH, 0);
            } else if (ex.http11) {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                ex.closeAfter = true; // HTTP/1.0: the body ends when the connection does
            }
        }
        if (chunked && !ex.http11) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            ex.closeAfter = true;
        }
        if (!ex.keepAlive) {
            ex.closeAfter = true;
        }
        h.remove(HttpHeaderNames.CONNECTION);
        if (ex.closeAfter) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!ex.http11) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
    }

    /** One request/response pair of this connection. */
    private static final class Exchange {
        final long id;
        final boolean head;
        final boolean http11;
        boolean keepAlive;
        boolean continueWanted;
        /** The proxy sent the response head. */
        boolean headReceived;
        /** Some of the response was written to the client. */
        boolean responseStarted;
        /** The whole response was written. */
        boolean done;
        boolean closeAfter;
        /** Answered by this handler; frames from the proxy for it are refused. */
        boolean local;
        HttpCodecException failure;
        final ArrayDeque<Held> held = new ArrayDeque<>(2);
        long heldBytes;

        Exchange(long id, boolean head, boolean http11, boolean keepAlive) {
            this.id = id;
            this.head = head;
            this.http11 = http11;
            this.keepAlive = keepAlive;
        }

        /** Releases held frames and fails their promises. */
        void discard(Throwable why) {
            Held h;
            while ((h = held.pollFirst()) != null) {
                h.frame.release();
                h.promise.tryFailure(why);
            }
            heldBytes = 0;
        }
    }

    /** A written frame held back for ordering, with its promise. The frame is owned. */
    private record Held(HttpFrame frame, ChannelPromise promise, long size) {
    }
}
