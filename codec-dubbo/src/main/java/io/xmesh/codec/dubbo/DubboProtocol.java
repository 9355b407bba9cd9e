package io.xmesh.codec.dubbo;

import com.google.auto.service.AutoService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.xmesh.codec.dubbo.internal.BodyWriter;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

/**
 * The Dubbo 2 wire protocol ({@code dubbo://}), byte-compatible with Apache Dubbo 3.3 consumers
 * and providers, for hessian2 and fastjson2 bodies. Frames are forwarded as received (request id
 * rewritten in place); routing fields are read without deserializing arguments (see
 * {@link DubboFrame}).
 *
 * <h2>Pipeline</h2>
 * {@link #initChannel} adds {@link DubboFrameDecoder} ({@code xmesh-dubbo-decoder}) and
 * {@link DubboFrameEncoder} ({@code xmesh-dubbo-encoder}). The same handlers serve both sides:
 * a frame's kind comes from its flag bits, so a listener ({@link ProtocolSide#SERVER}) sees
 * requests, one-way requests and heartbeats, and an upstream connection
 * ({@link ProtocolSide#CLIENT}) sees responses and heartbeat replies.
 *
 * <h2>Error replies</h2>
 * {@link #errorReply} maps {@link ErrorKind} to a Dubbo status:
 * <table>
 *   <caption>status of each error kind</caption>
 *   <tr><th>ErrorKind</th><th>status</th><th>what the Dubbo consumer throws</th></tr>
 *   <tr><td>NO_ROUTE, NO_HEALTHY_HOST</td><td>60 SERVICE_NOT_FOUND</td><td>RpcException with the message</td></tr>
 *   <tr><td>CONNECT_FAILED, UPSTREAM_RESET, INTERNAL</td><td>80 SERVER_ERROR</td><td>RpcException with the message</td></tr>
 *   <tr><td>TIMEOUT</td><td>31 SERVER_TIMEOUT</td><td>RpcException (timeout) with the message</td></tr>
 *   <tr><td>RATE_LIMITED, OVERLOADED</td><td>100 SERVER_THREADPOOL_EXHAUSTED_ERROR</td><td>RpcException with the message</td></tr>
 *   <tr><td>BAD_REQUEST</td><td>40 BAD_REQUEST</td><td>RpcException with the message</td></tr>
 *   <tr><td>REJECTED</td><td>70 SERVICE_ERROR</td><td>RpcException with the message</td></tr>
 * </table>
 * The body is the message as one string in the request's serialization: a hessian2 string for
 * id 2, a length-prefixed JSONB string for id 23 (what Dubbo's {@code readUTF} expects for an
 * error status). For any other serialization id the reply is written in hessian2 (id 2 in its
 * flag byte), which every Apache Dubbo consumer can read. Messages longer than
 * {@link #MAX_MESSAGE_CHARS} are cut.
 *
 * <h2>Threading and state</h2>
 * Immutable and shared by every connection; every method may be called on any event loop and
 * never blocks. The constructor only allocates the shared reply templates.
 */
@XmeshPlugin(name = DubboProtocol.NAME, order = 100,
        description = "Dubbo 2 wire protocol (hessian2, fastjson2), byte-compatible with Apache Dubbo 3.3")
@AutoService(XProtocol.class)
public final class DubboProtocol implements XProtocol {
    /** The protocol's name in configuration. */
    public static final String NAME = "dubbo";
    /** Longest error message sent, in chars. */
    public static final int MAX_MESSAGE_CHARS = 8192;
    /** Largest heartbeat body of an unknown serialization that is echoed in the reply. */
    static final int MAX_ECHOED_HEARTBEAT_BODY = 64;

    private final DubboReplyTemplates templates = new DubboReplyTemplates();
    private final DubboFrameEncoder encoder = new DubboFrameEncoder();

    /** Public no-argument constructor for the plugin loader; no side effects. */
    public DubboProtocol() {
    }

    /**
     * MATCH when the first two bytes are the magic {@code da bb}; NO_MATCH as soon as one of
     * them differs; NEED_MORE while fewer than two bytes (and no wrong one) have arrived.
     *
     * @param firstBytes <b>borrowed</b>; indices untouched
     */
    @Override
    public ProtocolMatch match(ByteBuf firstBytes) {
        int n = firstBytes.readableBytes();
        int r = firstBytes.readerIndex();
        if (n < 1) {
            return ProtocolMatch.NEED_MORE;
        }
        if (firstBytes.getByte(r) != DubboWire.MAGIC_HIGH) {
            return ProtocolMatch.NO_MATCH;
        }
        if (n < 2) {
            return ProtocolMatch.NEED_MORE;
        }
        return firstBytes.getByte(r + 1) == DubboWire.MAGIC_LOW ? ProtocolMatch.MATCH : ProtocolMatch.NO_MATCH;
    }

    /** Adds the decoder and the encoder (see the class javadoc). Called on the channel's event loop. */
    @Override
    public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
        pipeline.addLast("xmesh-dubbo-decoder", new DubboFrameDecoder(options.maxFrameLength(), templates));
        pipeline.addLast("xmesh-dubbo-encoder", encoder);
    }

    /**
     * A pipeline-free frame cutter doing what the decoder does (see {@link DubboFramer}); for
     * tools and benchmarks. Use it and its frames on one thread.
     *
     * @param maxFrameLength the largest frame accepted, header included
     */
    public DubboFramer framer(int maxFrameLength) {
        return new DubboFramer(maxFrameLength, templates);
    }

    /** The shared reply template for a serialization id (0-31); allocation-free. */
    public DubboReplyTemplate replyTemplate(int serializationId) {
        return templates.of(serializationId);
    }

    /**
     * Wraps bytes holding exactly one Dubbo frame (header and body) as a frame, checking the
     * magic and that the body length matches. For tests and tools; the decoder does this for
     * channels.
     *
     * @param bytes one frame from its reader index; <b>ownership is transferred</b> (released
     *              if the check fails)
     * @return the frame, <b>ownership transferred</b> to the caller
     * @throws IllegalArgumentException if the bytes are not exactly one frame
     */
    public DubboFrame wrap(ByteBuf bytes) {
        boolean ok = false;
        try {
            int r = bytes.readerIndex();
            if (bytes.readableBytes() < DubboWire.HEADER_LENGTH
                    || bytes.getUnsignedShort(r) != DubboWire.MAGIC
                    || bytes.getInt(r + DubboWire.LENGTH_OFFSET) != bytes.readableBytes() - DubboWire.HEADER_LENGTH) {
                throw new IllegalArgumentException("not exactly one dubbo frame");
            }
            DubboFrame f = new DubboFrame(bytes,
                    templates.of(bytes.getUnsignedByte(r + DubboWire.FLAG_OFFSET)));
            ok = true;
            return f;
        } finally {
            if (!ok) {
                bytes.release();
            }
        }
    }

    /**
     * The reply to a client's heartbeat: flag {@code 0x20 | serialization}, status 20, the same
     * id, and the serialization's null as body ({@code 4e} for hessian2,
     * {@code 00 00 00 01 af} for fastjson2) — the bytes Apache Dubbo recognises as a heartbeat.
     * For another serialization the heartbeat's own body (Dubbo's null in that serialization) is
     * echoed when it is at most 64 bytes; otherwise a hessian2 null is sent with id 2.
     *
     * @param heartbeat <b>borrowed</b>
     * @return a new {@link io.xmesh.xprotocol.codec.FrameKind#HEARTBEAT_REPLY} frame,
     *         <b>ownership transferred</b>
     */
    @Override
    public XFrame heartbeatReply(XFrame heartbeat, ByteBufAllocator alloc) {
        ByteBuf hb = heartbeat.content();
        int hr = hb.readerIndex();
        int ser = hb.getUnsignedByte(hr + DubboWire.FLAG_OFFSET) & DubboWire.SERIALIZATION_MASK;
        int hbBody = hb.readableBytes() - DubboWire.HEADER_LENGTH;
        ByteBuf out = alloc.buffer(DubboWire.HEADER_LENGTH + 8);
        boolean ok = false;
        try {
            if (ser != DubboWire.SERIALIZATION_HESSIAN2 && ser != DubboWire.SERIALIZATION_FASTJSON2
                    && (hbBody < 0 || hbBody > MAX_ECHOED_HEARTBEAT_BODY)) {
                ser = DubboWire.SERIALIZATION_HESSIAN2;
            }
            writeHeader(out, DubboWire.FLAG_EVENT | ser, DubboWire.STATUS_OK, heartbeat.requestId());
            if (ser == DubboWire.SERIALIZATION_HESSIAN2) {
                BodyWriter.writeHessianNull(out);
            } else if (ser == DubboWire.SERIALIZATION_FASTJSON2) {
                BodyWriter.writeFastjson2Null(out);
            } else {
                out.writeBytes(hb, hr + DubboWire.HEADER_LENGTH, hbBody);
            }
            DubboFrame f = finish(out, ser);
            ok = true;
            return f;
        } finally {
            if (!ok) {
                out.release();
            }
        }
    }

    /**
     * A heartbeat request for an idle upstream connection: flag {@code e2} (request, two-way,
     * event, hessian2), status 0, body {@code 4e}, as Apache Dubbo consumers send.
     *
     * @return a new {@link io.xmesh.xprotocol.codec.FrameKind#HEARTBEAT} frame, <b>ownership
     *         transferred</b>
     */
    @Override
    public XFrame heartbeat(long requestId, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(DubboWire.HEADER_LENGTH + 1);
        writeHeader(out, DubboWire.FLAG_REQUEST | DubboWire.FLAG_TWOWAY | DubboWire.FLAG_EVENT
                | DubboWire.SERIALIZATION_HESSIAN2, 0, requestId);
        BodyWriter.writeHessianNull(out);
        return finish(out, DubboWire.SERIALIZATION_HESSIAN2);
    }

    /**
     * Dubbo's READONLY event, which a provider sends to its consumers when it starts shutting
     * down: flag {@code a2} (request, event, one-way, hessian2), status 0, id 0, body the hessian
     * string "R" ({@code 01 52}). An Apache Dubbo consumer marks the connection read-only and
     * sends no new requests on it, while answers to requests in flight still arrive.
     *
     * @return a new frame ({@link io.xmesh.xprotocol.codec.FrameKind#ONEWAY}, an event),
     *         <b>ownership transferred</b>
     */
    @Override
    public XFrame goAway(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(DubboWire.HEADER_LENGTH + 2);
        writeHeader(out, DubboWire.FLAG_REQUEST | DubboWire.FLAG_EVENT | DubboWire.SERIALIZATION_HESSIAN2, 0, 0L);
        BodyWriter.writeHessianString(out, "R");
        return finish(out, DubboWire.SERIALIZATION_HESSIAN2);
    }

    /**
     * See the class javadoc for statuses and body encoding.
     *
     * @param template a {@link DubboReplyTemplate} (anything else is treated as hessian2)
     * @return a new {@link io.xmesh.xprotocol.codec.FrameKind#RESPONSE} frame, <b>ownership
     *         transferred</b>
     */
    @Override
    public XFrame errorReply(ReplyTemplate template, long requestId, ErrorKind error, String message,
                             ByteBufAllocator alloc) {
        int ser = template instanceof DubboReplyTemplate t ? t.serializationId() : DubboWire.SERIALIZATION_HESSIAN2;
        if (ser != DubboWire.SERIALIZATION_FASTJSON2) {
            ser = DubboWire.SERIALIZATION_HESSIAN2;
        }
        String text = message == null ? "xmesh: " + error : message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS);
        }
        ByteBuf out = alloc.buffer(DubboWire.HEADER_LENGTH + 8 + text.length());
        boolean ok = false;
        try {
            writeHeader(out, ser, statusOf(error), requestId);
            if (ser == DubboWire.SERIALIZATION_FASTJSON2) {
                BodyWriter.writeFastjson2String(out, text);
            } else {
                BodyWriter.writeHessianString(out, text);
            }
            DubboFrame f = finish(out, ser);
            ok = true;
            return f;
        } finally {
            if (!ok) {
                out.release();
            }
        }
    }

    /** The Dubbo status for an error kind (see the class javadoc). */
    public static int statusOf(ErrorKind error) {
        return switch (error) {
            case NO_ROUTE, NO_HEALTHY_HOST -> DubboWire.STATUS_SERVICE_NOT_FOUND;
            case CONNECT_FAILED, UPSTREAM_RESET, INTERNAL -> DubboWire.STATUS_SERVER_ERROR;
            case TIMEOUT -> DubboWire.STATUS_SERVER_TIMEOUT;
            case RATE_LIMITED, OVERLOADED -> DubboWire.STATUS_SERVER_THREADPOOL_EXHAUSTED;
            case BAD_REQUEST -> DubboWire.STATUS_BAD_REQUEST;
            case REJECTED -> DubboWire.STATUS_SERVICE_ERROR;
        };
    }

    private static void writeHeader(ByteBuf out, int flag, int status, long id) {
        out.writeShort(DubboWire.MAGIC);
        out.writeByte(flag);
        out.writeByte(status);
        out.writeLong(id);
        out.writeInt(0); // body length, set by finish
    }

    private DubboFrame finish(ByteBuf out, int ser) {
        out.setInt(out.readerIndex() + DubboWire.LENGTH_OFFSET, out.readableBytes() - DubboWire.HEADER_LENGTH);
        return new DubboFrame(out, templates.of(ser));
    }
}
