package io.xmesh.bootstrap.engine;

import io.xmesh.bootstrap.cluster.CircuitBreaker;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.filter.FilterResult;
import io.xmesh.xprotocol.filter.StreamContext;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.router.Route;
import io.xmesh.xprotocol.router.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One request's journey: from arrival on a downstream connection, through routing, filters,
 * host choice, (re)tries on upstream connections, to its single end: the upstream's answer or
 * xmesh's error reply. Lives on one event loop; not thread-safe. Implements the filters'
 * {@link StreamContext}.
 *
 * <h2>Ownership</h2>
 * The exchange owns one reference to {@link #request} while it holds it: until it is written
 * upstream, or longer when a retry after sending is possible (then the write gets its own
 * reference). Buffered request {@code DATA} frames are owned until written. Everything held is
 * released in {@link #complete}.
 */
final class Exchange extends RequestDeadlines.Entry implements StreamContext {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final int MAX_BUFFERED_DATA = 1024;

    final DownstreamConnection down;
    final LoopState loop;
    final long downstreamId;
    final FrameKind kind;
    /** Whether the request may be sent twice (XFrame#idempotent, e.g. false for HTTP POST). */
    private final boolean idempotent;
    final ReplyTemplate template;
    final String protocolName;
    final long startNanos;

    XFrame request;
    private int requestReaderIndex;
    RouteEntry entry;
    Cluster cluster;
    Host host;
    Host lastFailed;
    UpstreamConnection upstream;
    long upstreamId;
    long sentNanos;
    UpstreamConnection connecting;
    UpstreamPool waitingIn;
    int retriesLeft;
    int filterIndex;
    boolean done;
    boolean requestEnded;
    boolean hostCounted;
    ArrayDeque<XFrame> data;
    ErrorKind error;
    int status;
    long requestBytes;
    long responseBytes;
    private Map<String, Object> attributes;
    private Map<String, String> headers;
    /** Circuit-breaker units held by this request (released in {@link #sent} / {@link #complete}). */
    private boolean breakerRequest;
    private boolean breakerRetry;
    private boolean breakerPending;

    Exchange(DownstreamConnection down, XFrame request) {
        this.down = down;
        this.loop = down.loop;
        this.request = request;
        this.downstreamId = request.requestId();
        this.kind = request.kind();
        this.idempotent = request.idempotent();
        this.template = request.replyTemplate();
        this.protocolName = request.protocol();
        this.startNanos = System.nanoTime();
        this.requestEnded = request.endOfStream();
        this.requestBytes = request.content().readableBytes();
    }

    // ---------------------------------------------------------------- StreamContext

    @Override
    public String listener() {
        return down.listener.name;
    }

    @Override
    public String protocol() {
        return protocolName;
    }

    @Override
    public SocketAddress remoteAddress() {
        return down.channel.remoteAddress();
    }

    @Override
    public Route route() {
        return entry == null ? null : entry.route();
    }

    @Override
    public String upstreamHost() {
        return host == null ? null : host.address();
    }

    @Override
    public long startNanos() {
        return startNanos;
    }

    @Override
    public String requestHeader(String name) {
        if (request != null) {
            try {
                return request.header(name);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return headers == null ? null : headers.get(name);
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
        return attributes == null ? null : attributes.get(key);
    }

    @Override
    public void attribute(String key, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        attributes.put(key, value);
    }

    // ---------------------------------------------------------------- lifecycle

    private int filterCount() {
        return down.listener.filters.length + (entry == null ? 0 : entry.filters.length);
    }

    private StreamFilter filter(int i) {
        StreamFilter[] l = down.listener.filters;
        return i < l.length ? l[i] : entry.filters[i - l.length];
    }

    /** Keeps a copy of the routing headers when filters may ask for them after the frame is gone. */
    void captureHeadersIfFiltered() {
        if (filterCount() > 0 && request != null) {
            headers = new HashMap<>(8);
            try {
                request.forEachHeader(headers::put);
            } catch (RuntimeException e) {
                // unreadable headers: filters just see none
            }
        }
    }

    /** Starts the route's timer; called once the route is known. */
    void startTimer(long timeoutNanos) {
        loop.deadlines.add(this, startNanos + timeoutNanos);
    }

    /** Runs the request filters from {@link #filterIndex}; then dispatches. */
    void runFiltersThenDispatch() {
        int n = filterCount();
        while (filterIndex < n) {
            StreamFilter f = filter(filterIndex++);
            FilterResult r;
            try {
                r = f.onRequest(this, request);
            } catch (RuntimeException e) {
                log.warn("filter {} failed on request; rejecting it", f.getClass().getName(), e);
                fail(ErrorKind.INTERNAL, "xmesh: filter " + f.getClass().getSimpleName() + " failed: " + e);
                return;
            }
            if (r.delayNanos() > 0) {
                loop.loop.schedule(() -> {
                    if (!done) {
                        runFiltersThenDispatch();
                        loop.flush();
                    }
                }, r.delayNanos(), TimeUnit.NANOSECONDS);
                return;
            }
            if (!r.isContinue()) {
                fail(r.error(), r.message());
                return;
            }
        }
        if (entry == null) {
            fail(ErrorKind.NO_ROUTE, "xmesh: no route for " + describeRequest() + " on listener '" + down.listener.name + "'");
            return;
        }
        Route route = entry.route();
        Cluster c = loop.engine.clusters().get(route.cluster());
        if (c == null) {
            fail(ErrorKind.NO_ROUTE, "xmesh: route '" + route.name() + "' targets cluster '" + route.cluster() + "', which does not exist");
            return;
        }
        if (c.protocol() == null || !c.protocolName().equals(protocolName)) {
            fail(ErrorKind.BAD_REQUEST, "xmesh: route '" + route.name() + "' targets cluster '" + c.name() + "' speaking "
                    + c.protocolName() + ", but the request is " + protocolName);
            return;
        }
        cluster = c;
        if (!c.circuitBreaker().tryAcquire(CircuitBreaker.Resource.REQUESTS)) {
            fail(ErrorKind.OVERLOADED, c.circuitBreaker().refusal(CircuitBreaker.Resource.REQUESTS));
            return;
        }
        breakerRequest = true;
        c.requests.increment();
        RetryPolicy rp = route.retryPolicy();
        retriesLeft = kind == FrameKind.REQUEST ? rp.maxRetries() : 0;
        dispatch();
    }

    private String describeRequest() {
        String service = requestHeader("service");
        if (service != null) {
            String method = requestHeader("method");
            String version = requestHeader("version");
            String group = requestHeader("group");
            return "service=" + service + (method == null ? "" : " method=" + method)
                    + (version == null || version.isEmpty() ? "" : " version=" + version)
                    + (group == null || group.isEmpty() ? "" : " group=" + group);
        }
        String path = requestHeader(":path");
        if (path != null) {
            String auth = requestHeader(":authority");
            return (auth == null ? "" : auth) + path;
        }
        return "request " + downstreamId;
    }

    /** Picks a host and hands the request to this loop's pool for it. */
    void dispatch() {
        String hashKey = entry.route().hashKey() != null ? entry.route().hashKey() : cluster.config().hashKey();
        String hashValue = hashKey == null ? null : requestHeader(hashKey);
        Host h = cluster.choose(hashValue, lastFailed, System.nanoTime());
        if (h == null) {
            fail(ErrorKind.NO_HEALTHY_HOST, cluster.describeNoHost());
            return;
        }
        host = h;
        loop.pool(h).send(this);
    }

    /** Whether the request could be sent again after it has been written once. */
    private boolean mayRetryAfterSend() {
        if (kind != FrameKind.REQUEST || retriesLeft <= 0 || !requestEnded || !idempotent) {
            // a non-idempotent request is never sent twice; it is still retried on a connect
            // failure, where it was never sent
            return false;
        }
        RetryPolicy rp = entry.route().retryPolicy();
        return !rp.retryOnStatuses().isEmpty() || rp.retryOn().contains(ErrorKind.UPSTREAM_RESET);
    }

    /**
     * Gives the request frame to a write. <b>Returns a reference the caller must transfer</b>
     * (to a channel write). Keeps one for itself when a later retry may need the bytes.
     */
    XFrame takeRequestForSend() {
        XFrame f = request;
        if (mayRetryAfterSend()) {
            requestReaderIndex = f.content().readerIndex();
            f.retain();
        } else {
            request = null;
        }
        return f;
    }

    /** Called by an upstream connection once the request is written with {@code id}. */
    void sent(UpstreamConnection conn, long id) {
        upstream = conn;
        upstreamId = id;
        connecting = null;
        waitingIn = null;
        sentNanos = System.nanoTime();
        releasePending();
        if (!hostCounted) {
            hostCounted = true;
            host.requestStarted();
        }
    }

    /** Buffers a request DATA frame until the request is sent. <b>Ownership transferred.</b> */
    void bufferData(XFrame frame) {
        if (data == null) {
            data = new ArrayDeque<>();
        }
        if (data.size() >= MAX_BUFFERED_DATA) {
            frame.release();
            fail(ErrorKind.OVERLOADED, "xmesh: too many request body chunks buffered while connecting");
            return;
        }
        data.add(frame);
    }

    /** Whether the request can be sent again on {@code error}. */
    private boolean canRetry(ErrorKind kindOfError) {
        if (kind != FrameKind.REQUEST || retriesLeft <= 0 || entry == null || cluster == null || !requestEnded) {
            return false;
        }
        if (request == null) {
            return false;
        }
        return entry.route().retryPolicy().retryOn().contains(kindOfError) && acquireRetry();
    }

    /** A response status the route retries. */
    boolean retryOnStatus(int responseStatus) {
        return kind == FrameKind.REQUEST && retriesLeft > 0 && request != null && requestEnded && entry != null
                && entry.route().retryPolicy().retryOnStatuses().contains(responseStatus) && acquireRetry();
    }

    /**
     * Takes the cluster's circuit-breaker unit for a retry, unless this request holds one already (one unit
     * covers all retries of a request, until it completes). False when the breaker refuses: then the request
     * is not retried and ends with its current error or response.
     */
    private boolean acquireRetry() {
        if (breakerRetry) {
            return true;
        }
        if (!cluster.circuitBreaker().tryAcquire(CircuitBreaker.Resource.RETRIES)) {
            return false;
        }
        breakerRetry = true;
        return true;
    }

    /**
     * Takes the cluster's circuit-breaker unit for waiting for an upstream connection, unless held already.
     * Released when the request is written ({@link #sent}) or ends.
     *
     * @return false when the breaker refuses (the caller fails the request with {@link #pendingRefusal()})
     */
    boolean acquirePending() {
        if (breakerPending) {
            return true;
        }
        if (!cluster.circuitBreaker().tryAcquire(CircuitBreaker.Resource.PENDING_REQUESTS)) {
            return false;
        }
        breakerPending = true;
        return true;
    }

    /** The message for a request refused by {@link #acquirePending()}. */
    String pendingRefusal() {
        return cluster.circuitBreaker().refusal(CircuitBreaker.Resource.PENDING_REQUESTS);
    }

    private void releasePending() {
        if (breakerPending) {
            breakerPending = false;
            cluster.circuitBreaker().release(CircuitBreaker.Resource.PENDING_REQUESTS);
        }
    }

    /** Sends the request again to another host (the previous attempt is already detached). */
    void retry() {
        retriesLeft--;
        lastFailed = host;
        if (hostCounted) {
            hostCounted = false;
            host.requestEnded();
        }
        upstream = null;
        connecting = null;
        waitingIn = null;
        if (request != null) {
            request.content().readerIndex(requestReaderIndex);
        }
        cluster.retries.increment();
        log.debug("retrying request {} of {} after a failure of {}", downstreamId, describeRequest(), host);
        dispatch();
    }

    /**
     * Ends the request with xmesh's error reply (or a retry, when the route allows it for
     * {@code kindOfError}). Idempotent after the end.
     */
    void fail(ErrorKind kindOfError, String message) {
        if (done) {
            return;
        }
        if (canRetry(kindOfError)) {
            retry();
            return;
        }
        error = kindOfError;
        down.listener.countError(kindOfError);
        if (cluster != null) {
            cluster.countError(kindOfError);
        }
        if (kind == FrameKind.REQUEST && down.channel.isActive()) {
            try {
                XFrame reply = down.protocol.errorReply(template, downstreamId, kindOfError, message, down.channel.alloc());
                responseBytes += reply.content().readableBytes();
                status = reply.status();
                loop.write(down.channel, reply);
            } catch (RuntimeException e) {
                log.warn("protocol {} could not build an error reply ({}); closing the connection", protocolName, message, e);
                down.channel.close();
            }
        } else if (kind == FrameKind.ONEWAY) {
            log.debug("one-way request {} dropped: {}", downstreamId, message);
        }
        complete();
    }

    /** The route's timer fired. */
    /** The route's timeout has passed (called by {@link RequestDeadlines}). */
    @Override
    void onTimeout() {
        if (done) {
            return;
        }
        long ms = entry == null ? 0 : entry.route().timeout().toMillis();
        String where;
        if (upstream != null) {
            upstream.forget(this);
            host.recordFailure("timeout");
            where = "upstream " + host.address() + " did not answer within " + ms + " ms";
        } else if (connecting != null || waitingIn != null) {
            where = "no connection to upstream " + host.address() + " within " + ms + " ms";
            if (waitingIn != null) {
                waitingIn.removeWaiting(this);
            }
        } else {
            where = "request not forwarded within " + ms + " ms";
        }
        retriesLeft = 0;
        fail(ErrorKind.TIMEOUT, "xmesh: timeout: " + where + " (route '" + (entry == null ? "" : entry.route().name()) + "')");
        loop.flush();
    }

    /** The downstream went away: stop waiting for this request. */
    void abandon() {
        if (done) {
            return;
        }
        if (upstream != null) {
            upstream.forget(this);
        } else if (waitingIn != null) {
            waitingIn.removeWaiting(this);
        }
        error = ErrorKind.UPSTREAM_RESET == error ? error : null;
        complete();
    }

    /** The single end of the request: releases everything and reports to filters and metrics. */
    void complete() {
        if (done) {
            return;
        }
        done = true;
        loop.deadlines.remove(this);
        down.ended(this);
        loop.inflight--;
        releasePending();
        if (breakerRequest) {
            breakerRequest = false;
            cluster.circuitBreaker().release(CircuitBreaker.Resource.REQUESTS);
        }
        if (breakerRetry) {
            breakerRetry = false;
            cluster.circuitBreaker().release(CircuitBreaker.Resource.RETRIES);
        }
        if (hostCounted) {
            hostCounted = false;
            host.requestEnded();
        }
        if (request != null) {
            request.release();
            request = null;
        }
        if (data != null) {
            XFrame f;
            while ((f = data.poll()) != null) {
                f.release();
            }
        }
        long now = System.nanoTime();
        long took = now - startNanos;
        if (entry != null && entry.latency != null) {
            entry.requests.increment();
            entry.latency.record(took, TimeUnit.NANOSECONDS);
        }
        if (cluster != null) {
            cluster.latency.record(took, TimeUnit.NANOSECONDS);
        }
        if (host != null && sentNanos != 0 && error == null) {
            host.latency.record(now - sentNanos, TimeUnit.NANOSECONDS);
        }
        for (int i = filterCount() - 1; i >= 0; i--) {
            StreamFilter f = filter(i);
            try {
                f.onComplete(this);
            } catch (RuntimeException e) {
                log.warn("filter {} failed in onComplete", f.getClass().getName(), e);
            }
        }
    }

    /** Calls every filter's onResponse, in reverse order. The response is borrowed. */
    void onResponseFilters(XFrame response) {
        for (int i = filterCount() - 1; i >= 0; i--) {
            StreamFilter f = filter(i);
            try {
                f.onResponse(this, response);
            } catch (RuntimeException e) {
                log.warn("filter {} failed in onResponse", f.getClass().getName(), e);
            }
        }
    }
}
