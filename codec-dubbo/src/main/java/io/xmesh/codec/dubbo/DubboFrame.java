package io.xmesh.codec.dubbo;

import io.netty.buffer.ByteBuf;
import io.xmesh.codec.dubbo.internal.BodyFormatException;
import io.xmesh.codec.dubbo.internal.BodyWriter;
import io.xmesh.codec.dubbo.internal.Descriptors;
import io.xmesh.codec.dubbo.internal.Hessian2Reader;
import io.xmesh.codec.dubbo.internal.JsonbReader;
import io.xmesh.codec.dubbo.internal.ParseContext;
import io.xmesh.xprotocol.codec.AbstractXFrame;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One Dubbo frame (header and body), holding its bytes exactly as received so that it can be
 * forwarded without re-encoding.
 *
 * <h2>Header (16 bytes, big-endian)</h2>
 * <pre>
 *   0      1      2      3      4                            12                16
 *  +------+------+------+------+-----------------------------+-----------------+
 *  | 0xda | 0xbb | flag |status|  request id (int64)         | body length     |
 *  +------+------+------+------+-----------------------------+  (int32)        |
 *                                                              +-----------------+
 *  flag = 0x80 request | 0x40 two-way | 0x20 event | serialization id (low 5 bits:
 *         2 hessian2, 23 fastjson2, 3 java, ...)
 *  status = 20 OK, 30/31 client/server timeout, 40 bad request, 50 bad response,
 *           60 service not found, 70 service error, 80 server error, 90 client error,
 *           100 thread pool exhausted (responses only; 0 in requests)
 * </pre>
 *
 * <h2>Request body (a sequence of values in the serialization of the flag byte)</h2>
 * <pre>
 *  +---------------+--------------+-----------------+--------+------------------+
 *  | dubbo version | service path | service version | method | parameter types  |
 *  | "2.0.2"       | "com.acme.X" | "0.0.0" = unset | "greet"| "Ljava/lang/..;" |
 *  +---------------+--------------+-----------------+--------+------------------+
 *  +-----------+-----+-----------+--------------------------------------------+
 *  | argument 1| ... | argument n| attachments: map of string to value         |
 *  |  (skipped, never deserialized)  | (path, interface, version, group, ...)  |
 *  +-----------+-----+-----------+--------------------------------------------+
 * </pre>
 * In hessian2 each value follows the previous one directly; in fastjson2 each is a JSONB
 * document preceded by its int32 length (see {@link JsonbReader}). The group is only in the
 * attachments, after the arguments, so reading it means skipping the arguments
 * ({@link Hessian2Reader}, or the length prefixes in fastjson2).
 *
 * <h2>Kinds</h2>
 * Derived from the flag bits only: request + two-way = {@link FrameKind#REQUEST}; request
 * without two-way = {@link FrameKind#ONEWAY}; request + event + two-way =
 * {@link FrameKind#HEARTBEAT}; request + event without two-way (Dubbo's read-only notice) =
 * {@link FrameKind#ONEWAY} with {@link #isEvent()} true; response + event =
 * {@link FrameKind#HEARTBEAT_REPLY}; other responses = {@link FrameKind#RESPONSE}.
 *
 * <h2>Routing headers</h2>
 * For non-event requests only (other frames answer {@code null}): {@code service},
 * {@code method}, {@code version} (as on the wire: "0.0.0" when the caller set none),
 * {@code dubbo} (protocol version), {@code parameter-types}, and every attachment whose key and
 * value are strings ({@code group}, {@code interface}, {@code timeout},
 * {@code remote.application}, ...). The five leading fields are parsed (and kept) on the first
 * lookup of one of them. The first lookup of any other name skips the arguments and walks the
 * whole attachment map once to check it; then each attachment lookup scans the map's keys in
 * place (no map is built). Strings come from the channel's {@code StringCache}, so a connection
 * repeating the same service, method, version and group allocates no new strings for them.
 * A malformed body is reported once and the same exception is thrown again on later lookups.
 * Only serializations 2 (hessian2) and 23 (fastjson2) can be read: for others
 * {@link #header} throws a non-fatal {@link CodecException} (the frame can still be forwarded;
 * kind, id and status work for every serialization).
 *
 * <h2>Ownership and threading</h2>
 * The frame owns one reference to its content (see {@link AbstractXFrame}); releasing the frame
 * releases the bytes. Used on one event loop; not thread-safe.
 */
public final class DubboFrame extends AbstractXFrame {

    /** The frame's bytes: {@code content} until {@link #setHeader} replaces them. */
    private ByteBuf bytes;
    private int base;
    private final FrameKind kind;
    private final DubboReplyTemplate template;

    private ParseContext context; // shared with the decoder's other frames; created on demand otherwise
    private boolean prefixParsed;
    private CodecException prefixError;
    private CodecException attachmentsError;
    private String dubboVersion;
    private String service;
    private String version;
    private String method;
    private String parameterTypes;
    private int argumentsStart;
    /** Absolute index of the attachments value, or -1 until the arguments have been skipped. */
    private int attachmentsStart = -1;
    /** Hessian2 class definitions made by the arguments (values after them may refer to them). */
    private int[] argumentClasses;

    /**
     * @param content  exactly one frame, header included, from its reader index; <b>ownership is
     *                 transferred</b> to the frame. Its header must have been checked (magic,
     *                 length) by the caller.
     * @param template the shared reply template for this frame's serialization id
     */
    DubboFrame(ByteBuf content, DubboReplyTemplate template) {
        this(content, template, null);
    }

    /**
     * @param context the decoder's parse context (readers and string cache of the channel), or
     *                null for a frame of its own
     */
    DubboFrame(ByteBuf content, DubboReplyTemplate template, ParseContext context) {
        super(content);
        this.bytes = content;
        this.base = bytes.readerIndex();
        this.template = template;
        this.context = context;
        this.kind = kindOf(bytes.getUnsignedByte(base + DubboWire.FLAG_OFFSET));
    }

    private ParseContext context() {
        if (context == null) {
            context = new ParseContext();
        }
        return context;
    }

    static FrameKind kindOf(int flag) {
        boolean twoWay = (flag & DubboWire.FLAG_TWOWAY) != 0;
        boolean event = (flag & DubboWire.FLAG_EVENT) != 0;
        if ((flag & DubboWire.FLAG_REQUEST) != 0) {
            if (event) {
                return twoWay ? FrameKind.HEARTBEAT : FrameKind.ONEWAY;
            }
            return twoWay ? FrameKind.REQUEST : FrameKind.ONEWAY;
        }
        return event ? FrameKind.HEARTBEAT_REPLY : FrameKind.RESPONSE;
    }

    @Override
    public String protocol() {
        return DubboProtocol.NAME;
    }

    @Override
    public FrameKind kind() {
        return kind;
    }

    /** The flag byte (request, two-way, event bits and serialization id). */
    public int flag() {
        return bytes.getUnsignedByte(base + DubboWire.FLAG_OFFSET);
    }

    /** The serialization id (low 5 bits of the flag). */
    public int serializationId() {
        return flag() & DubboWire.SERIALIZATION_MASK;
    }

    /** Whether the event bit is set (heartbeats and their replies, read-only notices). */
    public boolean isEvent() {
        return (flag() & DubboWire.FLAG_EVENT) != 0;
    }

    /** Whether the two-way bit is set. */
    public boolean isTwoWay() {
        return (flag() & DubboWire.FLAG_TWOWAY) != 0;
    }

    /** Whether the request bit is set. */
    public boolean isRequest() {
        return (flag() & DubboWire.FLAG_REQUEST) != 0;
    }

    /** Length of the body (the frame without its 16-byte header). */
    public int bodyLength() {
        return bytes.getInt(base + DubboWire.LENGTH_OFFSET);
    }

    @Override
    public long requestId() {
        return bytes.getLong(base + DubboWire.ID_OFFSET);
    }

    /** Rewrites bytes 4-11 of the content in place: no copy, no allocation. */
    @Override
    public void setRequestId(long requestId) {
        bytes.setLong(base + DubboWire.ID_OFFSET, requestId);
    }

    /** The status byte for responses and heartbeat replies; 0 for requests. */
    @Override
    public int status() {
        if (isRequest()) {
            return 0;
        }
        return bytes.getUnsignedByte(base + DubboWire.STATUS_OFFSET);
    }

    /** True for a response (or heartbeat reply) whose status is not 20 OK. */
    @Override
    public boolean isServerError() {
        return !isRequest() && status() != DubboWire.STATUS_OK;
    }

    /** The shared template for this frame's serialization id; never null. */
    @Override
    public ReplyTemplate replyTemplate() {
        return template;
    }

    private boolean isCall() {
        return (kind == FrameKind.REQUEST || kind == FrameKind.ONEWAY) && !isEvent();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Called on the frame's event loop; parses lazily (see the class javadoc) without
     * deserializing arguments or loading classes.
     *
     * @throws CodecException (not fatal, with this frame's request id) when the body cannot be
     *                        read: unsupported serialization id or malformed body
     */
    @Override
    public String header(String name) {
        if (!isCall()) {
            return null;
        }
        switch (name) {
            case RoutingHeaders.SERVICE:
                parsePrefix();
                return service;
            case RoutingHeaders.METHOD:
                parsePrefix();
                return method;
            case RoutingHeaders.VERSION:
                parsePrefix();
                return version;
            case DubboWire.HEADER_DUBBO:
                parsePrefix();
                return dubboVersion;
            case DubboWire.HEADER_PARAMETER_TYPES:
                parsePrefix();
                return parameterTypes;
            default:
                return attachment(name);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Gives the five leading fields first, then every string attachment whose key is not one
     * of those names. Nothing for non-call frames.
     *
     * @throws CodecException as {@link #header}
     */
    @Override
    public void forEachHeader(BiConsumer<String, String> action) {
        if (!isCall()) {
            return;
        }
        locateAttachments();
        emit(action, RoutingHeaders.SERVICE, service);
        emit(action, RoutingHeaders.METHOD, method);
        emit(action, RoutingHeaders.VERSION, version);
        emit(action, DubboWire.HEADER_DUBBO, dubboVersion);
        emit(action, DubboWire.HEADER_PARAMETER_TYPES, parameterTypes);
        // own readers (not the channel's shared ones): the action may look up headers itself
        Map<String, String> all = new LinkedHashMap<>();
        try {
            if (serializationId() == DubboWire.SERIALIZATION_HESSIAN2) {
                new Hessian2Reader(bytes, attachmentsStart, bodyEnd()).withClassDefinitions(argumentClasses)
                        .readStringMap(all);
            } else {
                new JsonbReader(bytes, attachmentsStart, bodyEnd()).readStringMapDocument(all);
            }
        } catch (BodyFormatException | IndexOutOfBoundsException e) {
            throw unreadable(e.getMessage(), e);
        }
        for (Map.Entry<String, String> e : all.entrySet()) {
            String k = e.getKey();
            if (!k.equals(RoutingHeaders.SERVICE) && !k.equals(RoutingHeaders.METHOD)
                    && !k.equals(RoutingHeaders.VERSION) && !k.equals(DubboWire.HEADER_DUBBO)
                    && !k.equals(DubboWire.HEADER_PARAMETER_TYPES)) {
                action.accept(k, e.getValue());
            }
        }
    }

    private static void emit(BiConsumer<String, String> action, String k, String v) {
        if (v != null) {
            action.accept(k, v);
        }
    }

    /**
     * Sets a string attachment (used for tracing headers): replaces the value of an existing
     * attachment {@code name}, or adds the entry at the end of the attachment map. The frame's
     * bytes are rebuilt once into a new buffer (from the same allocator) with the body length
     * (and, in fastjson2, the attachment value's length prefix) updated; the old bytes are
     * released. Not allowed (returns false, frame unchanged) for: frames other than calls,
     * serializations other than hessian2 and fastjson2, an unreadable body, a null attachment
     * map, the five body fields ({@code service}, {@code method}, {@code version},
     * {@code dubbo}, {@code parameter-types}). Only the frame's sole owner may call it (no
     * outstanding {@link #retain()} and no borrowed {@link #content()} in use): the frame gives
     * up its reference to the old bytes and holds the new ones with a count of one. Called on
     * the frame's event loop; not on the hot path (one copy of the frame).
     *
     * @return whether the attachment was set
     */
    @Override
    public boolean setHeader(String name, String value) {
        if (!isCall() || name == null || value == null
                || name.equals(RoutingHeaders.SERVICE) || name.equals(RoutingHeaders.METHOD)
                || name.equals(RoutingHeaders.VERSION) || name.equals(DubboWire.HEADER_DUBBO)
                || name.equals(DubboWire.HEADER_PARAMETER_TYPES)) {
            return false;
        }
        int ser = serializationId();
        if (ser != DubboWire.SERIALIZATION_HESSIAN2 && ser != DubboWire.SERIALIZATION_FASTJSON2) {
            return false;
        }
        try {
            locateAttachments();
        } catch (CodecException e) {
            return false;
        }
        boolean hessian = ser == DubboWire.SERIALIZATION_HESSIAN2;
        int cutStart = -1;
        int cutEnd = -1;
        int mapEnd = -1;
        try {
            if (hessian) {
                Hessian2Reader r = new Hessian2Reader(bytes, attachmentsStart, bodyEnd())
                        .withClassDefinitions(argumentClasses);
                if (!r.beginMap()) {
                    return false;
                }
                while (true) {
                    int at = r.position();
                    if (r.endOfMap()) {
                        mapEnd = at;
                        break;
                    }
                    boolean match = r.matchKey(name);
                    int valueStart = r.position();
                    r.skipValue();
                    if (match) {
                        cutStart = valueStart;
                        cutEnd = r.position();
                    }
                }
            } else {
                JsonbReader r = new JsonbReader(bytes, attachmentsStart, bodyEnd());
                if (!r.beginMapDocument()) {
                    return false;
                }
                while (true) {
                    int at = r.position();
                    if (r.endOfMap()) {
                        mapEnd = at;
                        break;
                    }
                    boolean match = r.matchKey(name);
                    int valueStart = r.position();
                    r.skipValue();
                    if (match) {
                        cutStart = valueStart;
                        cutEnd = r.position();
                    }
                }
            }
        } catch (BodyFormatException | IndexOutOfBoundsException e) {
            return false;
        }
        ByteBuf insert = bytes.alloc().heapBuffer(name.length() + value.length() + 16);
        try {
            if (cutStart < 0) { // a new entry before the end of the map
                cutStart = mapEnd;
                cutEnd = mapEnd;
                if (hessian) {
                    BodyWriter.writeHessianString(insert, name);
                } else {
                    BodyWriter.writeJsonbString(insert, name);
                }
            }
            if (hessian) {
                BodyWriter.writeHessianString(insert, value);
            } else {
                BodyWriter.writeJsonbString(insert, value);
            }
            long delta = (long) insert.readableBytes() - (cutEnd - cutStart);
            long newBody = (long) bodyLength() + delta;
            if (newBody > Integer.MAX_VALUE - DubboWire.HEADER_LENGTH) {
                return false;
            }
            int frameEnd = bodyEnd();
            ByteBuf rebuilt = bytes.alloc().buffer((int) (DubboWire.HEADER_LENGTH + newBody));
            rebuilt.writeBytes(bytes, base, cutStart - base);
            rebuilt.writeBytes(insert);
            rebuilt.writeBytes(bytes, cutEnd, frameEnd - cutEnd);
            rebuilt.setInt(DubboWire.LENGTH_OFFSET, (int) newBody);
            if (!hessian) {
                int prefix = attachmentsStart - base;
                rebuilt.setInt(prefix, (int) (rebuilt.getInt(prefix) + delta));
            }
            int oldBase = base;
            ByteBuf old = bytes;
            bytes = rebuilt;
            base = 0;
            argumentsStart -= oldBase;
            attachmentsStart -= oldBase;
            old.release();
            return true;
        } finally {
            insert.release();
        }
    }

    /** {@inheritDoc} The current bytes (new ones after {@link #setHeader}). <b>Borrowed</b>. */
    @Override
    public ByteBuf content() {
        return bytes;
    }

    @Override
    public int refCnt() {
        return bytes.refCnt();
    }

    @Override
    public XFrame retain() {
        bytes.retain();
        return this;
    }

    @Override
    public XFrame retain(int increment) {
        bytes.retain(increment);
        return this;
    }

    @Override
    public XFrame touch() {
        bytes.touch();
        return this;
    }

    @Override
    public XFrame touch(Object hint) {
        bytes.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return bytes.release();
    }

    @Override
    public boolean release(int decrement) {
        return bytes.release(decrement);
    }

    private int bodyStart() {
        return base + DubboWire.HEADER_LENGTH;
    }

    private int bodyEnd() {
        return bodyStart() + bodyLength();
    }

    private CodecException unreadable(String why, Throwable cause) {
        return new CodecException("xmesh: cannot read the dubbo request " + requestId() + ": " + why,
                requestId(), false, cause);
    }

    private void parsePrefix() {
        if (prefixParsed) {
            return;
        }
        if (prefixError != null) {
            throw prefixError;
        }
        int ser = serializationId();
        try {
            if (ser == DubboWire.SERIALIZATION_HESSIAN2) {
                Hessian2Reader r = context().hessian().reset(bytes, bodyStart(), bodyEnd());
                dubboVersion = r.readString();
                service = r.readString();
                version = r.readString();
                method = r.readString();
                parameterTypes = r.readString();
                argumentsStart = r.position();
            } else if (ser == DubboWire.SERIALIZATION_FASTJSON2) {
                JsonbReader r = context().jsonb().reset(bytes, bodyStart(), bodyEnd());
                dubboVersion = r.readStringDocument();
                service = r.readStringDocument();
                version = r.readStringDocument();
                method = r.readStringDocument();
                parameterTypes = r.readStringDocument();
                argumentsStart = r.position();
            } else {
                prefixError = unreadable("serialization id " + ser
                        + " is not readable by xmesh (only 2 hessian2 and 23 fastjson2)", null);
                throw prefixError;
            }
        } catch (BodyFormatException | IndexOutOfBoundsException e) {
            prefixError = unreadable(e.getMessage(), e);
            throw prefixError;
        }
        prefixParsed = true;
    }

    /**
     * Skips the arguments (once) and walks the whole attachments map to check it, so that later
     * lookups only scan a map known to be well-formed.
     */
    private void locateAttachments() {
        if (attachmentsStart >= 0) {
            return;
        }
        parsePrefix();
        if (attachmentsError != null) {
            throw attachmentsError;
        }
        try {
            int args = Descriptors.countParameters(parameterTypes);
            int start;
            if (serializationId() == DubboWire.SERIALIZATION_HESSIAN2) {
                Hessian2Reader r = context().hessian().reset(bytes, argumentsStart, bodyEnd());
                for (int i = 0; i < args; i++) {
                    r.skipValue();
                }
                start = r.position();
                argumentClasses = r.classDefinitions();
                if (r.beginMap()) { // Dubbo always writes the map (possibly empty)
                    while (!r.endOfMap()) {
                        r.skipValue();
                        r.skipValue();
                    }
                }
            } else {
                JsonbReader r = context().jsonb().reset(bytes, argumentsStart, bodyEnd());
                for (int i = 0; i < args; i++) {
                    r.skipDocument();
                }
                start = r.position();
                if (r.beginMapDocument()) {
                    while (!r.endOfMap()) {
                        r.skipValue();
                        r.skipValue();
                    }
                }
            }
            attachmentsStart = start;
        } catch (BodyFormatException | IndexOutOfBoundsException e) {
            attachmentsError = unreadable(e.getMessage(), e);
            throw attachmentsError;
        }
    }

    /** The string value of attachment {@code name}, found by scanning the map without building it. */
    private String attachment(String name) {
        locateAttachments();
        try {
            if (serializationId() == DubboWire.SERIALIZATION_HESSIAN2) {
                Hessian2Reader r = context().hessian().reset(bytes, attachmentsStart, bodyEnd())
                        .withClassDefinitions(argumentClasses);
                if (r.beginMap()) {
                    while (!r.endOfMap()) {
                        if (r.matchKey(name)) {
                            return r.readStringOrSkip();
                        }
                        r.skipValue();
                    }
                }
            } else {
                JsonbReader r = context().jsonb().reset(bytes, attachmentsStart, bodyEnd());
                if (r.beginMapDocument()) {
                    while (!r.endOfMap()) {
                        if (r.matchKey(name)) {
                            return r.readStringOrSkip();
                        }
                        r.skipValue();
                    }
                }
            }
            return null;
        } catch (BodyFormatException | IndexOutOfBoundsException e) {
            throw unreadable(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        if (refCnt() == 0) {
            return "DubboFrame[released]";
        }
        return "DubboFrame[" + kind + ", id=" + requestId() + ", flag=0x" + Integer.toHexString(flag())
                + ", status=" + status() + ", body=" + bodyLength() + "]";
    }
}
