package io.xmesh.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.FrameTooLargeException;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.ReplyTemplate;
import io.xmesh.xprotocol.codec.XFrame;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every xmesh protocol codec ({@link XProtocol}) must meet, as a JUnit 5 test class
 * to extend. A codec author supplies the codec and a few sample frames; this class checks the
 * codec the way the proxy will use it.
 *
 * <h2>How to use it</h2>
 * <ol>
 *   <li>Add {@code io.xmesh:xprotocol-testkit} with {@code test} scope, and run tests with Netty
 *       leak detection at PARANOID reporting through {@link FailingLeakDetector} (surefire
 *       {@code argLine}: {@code -Dio.netty.leakDetection.level=PARANOID
 *       -Dio.netty.customResourceLeakDetector=io.xmesh.testkit.FailingLeakDetector}); the class
 *       refuses to run otherwise, because "no leak" would prove nothing.</li>
 *   <li>Extend this class and implement {@link #protocol()}, {@link #serverInbound()},
 *       {@link #clientInbound()} and {@link #corruptSamples()}. Golden vectors are easiest to keep
 *       as annotated hex files read with {@link HexVectors}.</li>
 *   <li>Override the {@code protected} hooks when the defaults do not fit (the codec options,
 *       foreign protocols that legitimately look like yours, ids your wire format can hold, a
 *       protocol without ids on the wire ({@link #requestIdsOnTheWire()}), a text protocol that
 *       cannot echo the error message, a request-response protocol whose client side must see
 *       the request first ({@link #beforeClientInbound}).</li>
 * </ol>
 * <pre>{@code
 * class EchoProtocolContractTest extends XProtocolContractTest {
 *     protected XProtocol protocol() { return new EchoProtocol(); }
 *     protected List<FrameSample> serverInbound() {
 *         return List.of(FrameSample.of("request", FrameKind.REQUEST, 7, HexVectors.resource(getClass(), "request.hex"))
 *                                   .withHeader(RoutingHeaders.SERVICE, "demo.Echo"));
 *     }
 *     protected List<FrameSample> clientInbound() {
 *         return List.of(FrameSample.of("response", FrameKind.RESPONSE, 7, HexVectors.resource(getClass(), "response.hex")));
 *     }
 *     protected List<CorruptSample> corruptSamples() {
 *         return List.of(CorruptSample.server("bad version", HexVectors.parse("58 52 09 01 ...")));
 *     }
 * }
 * }</pre>
 *
 * <h2>What is checked</h2>
 * <ul>
 *   <li><b>plugin identity</b>: {@link XmeshPlugin} with a valid name, a public no-arg
 *       constructor, a {@code META-INF/services} entry;</li>
 *   <li><b>match</b>: own first bytes give MATCH, foreign protocols NO_MATCH, too few bytes
 *       NEED_MORE (never NO_MATCH), and the buffer's indices, bytes and reference count are left
 *       alone, also when its reader index is not zero;</li>
 *   <li><b>decoding</b> of every sample on its side (requests on the {@link ProtocolSide#SERVER}
 *       side, responses on the {@link ProtocolSide#CLIENT} side): kind, request id, headers,
 *       status, protocol name, a reply template for requests, and {@link XFrame#content()} equal
 *       to the bytes received. A sample is one message: a frame, optionally followed by
 *       {@link FrameKind#DATA} frames with its id (a streamed body), {@link XFrame#endOfStream()}
 *       true exactly on the last; the message's content is theirs concatenated;</li>
 *   <li><b>fragmentation</b>: split at every point (two reads) and byte by byte, the same
 *       frames come out; several frames in one read, and the same stream cut at random;</li>
 *   <li><b>request-id rewrite</b>: after {@link XFrame#setRequestId} the frame reports the new
 *       id, encodes (on the other side, as the proxy forwards it) to the original bytes with only
 *       the id changed, and writing the old id back restores the original bytes exactly;</li>
 *   <li><b>oversize</b>: a frame one byte over {@link CodecOptions#maxFrameLength()} fails with a
 *       fatal {@link FrameTooLargeException} and no frame; at exactly the limit it decodes;</li>
 *   <li><b>corrupt input</b>: each corrupt sample fails with a {@link CodecException}, whether it
 *       arrives at once or byte by byte, and nothing else; valid samples with bytes overwritten
 *       at every position give frames or {@code CodecException}s, never another exception;</li>
 *   <li><b>replies</b>: {@link XProtocol#heartbeatReply} and {@link XProtocol#errorReply} (for
 *       every {@link ErrorKind}) build frames of the right kind and id that encode on the server
 *       side and decode on the client side to the same kind, id and status; an outbound
 *       {@link XProtocol#heartbeat} decodes on the server side; a {@link XProtocol#goAway} frame,
 *       if any, encodes on the server side;</li>
 *   <li><b>resources</b>: every channel ends with {@code finish()} false; every input buffer
 *       ends with a reference count of exactly zero once the frames are released (a codec that
 *       keeps or drops a reference fails); frames written out are released by the encoder;
 *       exceptions are never thrown past the codec; and {@link LeakDetectionExtension} fails the
 *       class on any buffer leaked at PARANOID level.</li>
 * </ul>
 *
 * <h2>Exceptions</h2>
 * A decoder reports malformed input with {@code ctx.fireExceptionCaught(codecException)}, and
 * then discards input as it sees fit (after a fatal error, usually everything). Do not throw it
 * from {@code ByteToMessageDecoder.decode}: Netty wraps thrown exceptions in
 * {@code DecoderException}, which the proxy does not recognise as a codec error (it cannot answer
 * the request by its id). The kit fails such a codec with a message saying so.
 *
 * <h2>Opting out</h2>
 * Each check is one public {@code @Test} method. When one truly does not apply to a protocol,
 * override it in the subclass with {@code @Test @Disabled("the reason")}, so the report shows
 * that it was skipped and why:
 * <pre>{@code
 * @Override @Test @Disabled("HTTP/1.1 carries no request id to rewrite")
 * public void requestIdRewriteRoundTrips() {
 * }
 * }</pre>
 *
 * <h2>Threading and cost</h2>
 * Everything runs on the test thread (embedded channels). Samples are meant to be small (up to
 * a few KiB); longer samples are split at a sample of points rather than at every point.
 */
@ExtendWith(LeakDetectionExtension.class)
public abstract class XProtocolContractTest {

    /** Samples longer than this are split at a subset of points, and not fed byte by byte. */
    private static final int EXHAUSTIVE_LIMIT = 2048;
    /** Positions per sample overwritten by the mutation test. */
    private static final int MUTATION_POSITIONS = 256;
    private static final byte[] JUNK_PREFIX = {(byte) 0xEE, (byte) 0xEE, (byte) 0xEE};

    /** Allocator handed to reply builders: unpooled, so reference counts stay readable after release. */
    private static final ByteBufAllocator REPLY_ALLOC = new UnpooledByteBufAllocator(true);

    private XProtocol protocol;

    // ---------------------------------------------------------------- what the author supplies

    /** The codec under test. Called once per test method. */
    protected abstract XProtocol protocol();

    /**
     * Complete frames a listener receives (xmesh on the {@link ProtocolSide#SERVER} side):
     * requests, one-way requests, heartbeats. At least one of kind {@link FrameKind#REQUEST}.
     * The first bytes of each must make {@link XProtocol#match} answer MATCH.
     */
    protected abstract List<FrameSample> serverInbound();

    /**
     * Complete frames an upstream connection receives (xmesh on the {@link ProtocolSide#CLIENT}
     * side): responses (ok and failed), heartbeat replies. At least one of kind
     * {@link FrameKind#RESPONSE}.
     */
    protected abstract List<FrameSample> clientInbound();

    /** Malformed input the decoder must refuse with a {@link CodecException}; at least one. */
    protected abstract List<CorruptSample> corruptSamples();

    /** Options for every codec instance in the tests. Default {@link CodecOptions#DEFAULTS}. */
    protected CodecOptions codecOptions() {
        return CodecOptions.DEFAULTS;
    }

    /**
     * First bytes of other protocols, which {@link XProtocol#match} must answer NO_MATCH.
     * Default: {@link #commonForeignSamples()}. A codec for one of those protocols removes its
     * own entry: {@code var m = super.foreignSamples(); m.remove("dubbo"); return m;}.
     *
     * @return a mutable map from a name (for messages) to the bytes
     */
    protected Map<String, byte[]> foreignSamples() {
        return commonForeignSamples();
    }

    /**
     * Ids the request-id rewrite test writes into every sample. Default: 1, 2^31-1 and
     * 0x0102030405060708. A protocol with narrower ids on the wire overrides this with ids it can
     * carry.
     */
    protected long[] rewrittenRequestIds() {
        return new long[] {1L, Integer.MAX_VALUE, 0x0102030405060708L};
    }

    /**
     * Whether the protocol carries request ids on the wire. Default true. Protocols without
     * (HTTP/1.1, where the codec numbers requests per connection) return false: decoded ids are then
     * not compared with the samples' ids, and the rewrite test only checks that
     * {@link XFrame#setRequestId} is reported by {@link XFrame#requestId()} and leaves the bytes alone.
     */
    protected boolean requestIdsOnTheWire() {
        return true;
    }

    /**
     * Whether {@link XFrame#content()} holds the bytes exactly as received (the API's contract, and
     * what lets the proxy forward without re-encoding). Default true. A codec that normalises
     * messages (HTTP/1.1 removing hop-by-hop headers) returns false; then decoded content is not
     * compared with the samples.
     */
    protected boolean contentIsVerbatim() {
        return true;
    }

    /**
     * Whether the bytes of an {@link XProtocol#errorReply} contain its message as UTF-8 (checked
     * so that "the text the client will show" is really on the wire). Default true; override for
     * protocols that compress or otherwise transform the message.
     */
    protected boolean errorRepliesCarryMessage() {
        return true;
    }

    /**
     * Called on every new {@link ProtocolSide#CLIENT}-side channel before any inbound byte, with
     * the frames that will be fed to it, in order (possibly none). Protocols that match responses
     * to requests by position rather than by an id on the wire (HTTP/1.1) write the matching
     * requests here and drain the outbound bytes ({@link EmbeddedChannels#drainOutbound}). Default:
     * nothing.
     */
    protected void beforeClientInbound(EmbeddedChannel channel, List<FrameSample> expected) {
    }

    /**
     * Optional: the first bytes of frames whose header announces a frame longer than
     * {@code maxFrameLength} (the limit of {@link #codecOptions()}), without the rest of the frame.
     * The decoder must fail with {@link FrameTooLargeException} from these bytes alone, without
     * waiting for (or buffering) the body. Default: none.
     */
    protected List<CorruptSample> oversizeHeaders(int maxFrameLength) {
        return List.of();
    }

    /**
     * A few other protocols' opening bytes: HTTP/1.1, HTTP/2 preface, TLS, Dubbo, Redis,
     * SOFA Bolt, a JSON line. Returns a new mutable map each call.
     */
    public static Map<String, byte[]> commonForeignSamples() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("http", "GET /demo HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        m.put("http2-preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        m.put("tls", HexVectors.parse("16 03 01 00 f4 01 00 00 f0 03 03" + " 00".repeat(32)));
        m.put("dubbo", HexVectors.parse("da bb c2 00 0000000000000001 00000010" + " 00".repeat(16)));
        m.put("redis", "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        m.put("bolt", HexVectors.parse("01 01 0001 01 00000001 01 0000 0000 0000 00000000" + " 00".repeat(8)));
        m.put("json", "{\"hello\":\"world\"}\n".getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    // ---------------------------------------------------------------- the contract

    @Test
    @DisplayName("plugin identity: @XmeshPlugin, public no-arg constructor, no static mutable field, META-INF/services entry")
    public void pluginIdentity() throws Exception {
        Class<? extends XProtocol> type = protocolInstance().getClass();
        XmeshPlugin plugin = type.getAnnotation(XmeshPlugin.class);
        assertNotNull(plugin, type.getName() + " must be annotated with @XmeshPlugin");
        assertTrue(plugin.name().matches(XmeshPlugin.NAME_PATTERN),
                "plugin name '" + plugin.name() + "' must match " + XmeshPlugin.NAME_PATTERN);
        assertTrue(Modifier.isPublic(type.getModifiers()), type.getName() + " must be public");
        Constructor<? extends XProtocol> ctor = type.getConstructor();
        assertTrue(Modifier.isPublic(ctor.getModifiers()), "the no-arg constructor must be public");
        for (java.lang.reflect.Field field : type.getDeclaredFields()) {
            int m = field.getModifiers();
            assertFalse(Modifier.isStatic(m) && !Modifier.isFinal(m) && !field.isSynthetic(),
                    type.getName() + "." + field.getName() + " is a static mutable field: plugins keep no global state");
        }
        boolean listed = ServiceLoader.load(XProtocol.class, type.getClassLoader()).stream()
                .anyMatch(p -> p.type() == type);
        assertTrue(listed, type.getName() + " is not listed in META-INF/services/" + XProtocol.class.getName()
                + " (annotate it with @AutoService(XProtocol.class))");
    }

    @Test
    @DisplayName("match: own first bytes MATCH, indices and bytes untouched")
    public void matchRecognisesOwnBytes() {
        for (FrameSample s : serverSamples()) {
            assertEquals(ProtocolMatch.MATCH, matchWithJunkPrefix(s.bytes(), s.length()),
                    s.name() + ": match() on the whole frame");
        }
    }

    @Test
    @DisplayName("match: too few bytes give NEED_MORE (never NO_MATCH), and MATCH stays MATCH")
    public void matchNeedsMoreOnTooFewBytes() {
        for (FrameSample s : serverSamples()) {
            assertEquals(ProtocolMatch.NEED_MORE, matchWithJunkPrefix(s.bytes(), 0), s.name() + ": match() on no bytes");
            boolean matched = false;
            for (int k = 1; k < s.length() && k <= 64; k++) {
                ProtocolMatch m = matchWithJunkPrefix(s.bytes(), k);
                assertNotEquals(ProtocolMatch.NO_MATCH, m, s.name() + ": match() on the first " + k + " bytes");
                if (matched) {
                    assertEquals(ProtocolMatch.MATCH, m, s.name() + ": match() said MATCH on fewer bytes than " + k);
                }
                matched |= m == ProtocolMatch.MATCH;
            }
        }
    }

    @Test
    @DisplayName("match: other protocols' bytes give NO_MATCH")
    public void matchRejectsForeignBytes() {
        Map<String, byte[]> foreign = foreignSamples();
        for (Map.Entry<String, byte[]> e : foreign.entrySet()) {
            assertEquals(ProtocolMatch.NO_MATCH, matchWithJunkPrefix(e.getValue(), e.getValue().length),
                    "match() on the first bytes of " + e.getKey() + ": " + HexVectors.toHex(e.getValue()));
        }
    }

    @Test
    @DisplayName("decode: each server-side sample whole gives the expected frame")
    public void decodesWholeServerFrames() {
        for (FrameSample s : serverSamples()) {
            decodeAndCheck(ProtocolSide.SERVER, List.of(s), List.of(s.bytes()), s.name() + " (whole)");
        }
    }

    @Test
    @DisplayName("decode: each client-side sample whole gives the expected frame")
    public void decodesWholeClientFrames() {
        for (FrameSample s : clientSamples()) {
            decodeAndCheck(ProtocolSide.CLIENT, List.of(s), List.of(s.bytes()), s.name() + " (whole)");
        }
    }

    @Test
    @DisplayName("fragmentation: every split into two reads gives the same frame")
    public void decodesEveryTwoWaySplit() {
        forEachSample((side, s) -> {
            byte[] b = s.bytes();
            for (int cut : splitPoints(b.length)) {
                decodeAndCheckLight(side, List.of(s), List.of(Arrays.copyOfRange(b, 0, cut), Arrays.copyOfRange(b, cut, b.length)),
                        s.name() + " split at " + cut);
            }
        });
    }

    @Test
    @DisplayName("fragmentation: byte-by-byte reads give the same frame")
    public void decodesByteByByte() {
        forEachSample((side, s) -> {
            if (s.length() > EXHAUSTIVE_LIMIT * 8) {
                return;
            }
            byte[] b = s.bytes();
            List<byte[]> chunks = new ArrayList<>();
            for (byte x : b) {
                chunks.add(new byte[] {x});
            }
            decodeAndCheckLight(side, List.of(s), chunks, s.name() + " byte by byte");
        });
    }

    @Test
    @DisplayName("fragmentation: many frames in one read, and the same stream cut at random")
    public void decodesManyFramesPerRead() {
        for (ProtocolSide side : ProtocolSide.values()) {
            List<FrameSample> samples = side == ProtocolSide.SERVER ? serverSamples() : clientSamples();
            List<FrameSample> stream = new ArrayList<>(samples);
            stream.addAll(samples);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            stream.forEach(s -> all.writeBytes(s.bytes()));
            byte[] bytes = all.toByteArray();
            decodeAndCheck(side, stream, List.of(bytes), side + " stream of " + stream.size() + " frames in one read");
            for (long seed = 1; seed <= 8; seed++) {
                Random random = new Random(seed);
                List<byte[]> chunks = new ArrayList<>();
                for (int at = 0; at < bytes.length; ) {
                    int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 61));
                    chunks.add(Arrays.copyOfRange(bytes, at, at + n));
                    at += n;
                }
                decodeAndCheckLight(side, stream, chunks, side + " stream of " + stream.size() + " frames cut at random, seed " + seed);
            }
        }
    }

    @Test
    @DisplayName("request id: setRequestId rewrites in place; encoding forwards the bytes; restoring the id restores the bytes")
    public void requestIdRewriteRoundTrips() {
        forEachSample((side, s) -> {
            List<Long> ids = new ArrayList<>();
            ids.add(s.requestId());
            for (long id : rewrittenRequestIds()) {
                ids.add(id);
            }
            for (long id : ids) {
                String what = s.name() + " with id rewritten to " + id;
                byte[] rewritten;
                try (Run run = new Run(side, codecOptions(), List.of(s), what)) {
                    run.feed(s.bytes());
                    run.assertNoExceptions();
                    if (!requestIdsOnTheWire()) {
                        run.assertFrames(List.of(s));
                        XFrame head = run.frames.get(0);
                        byte[] before = EmbeddedChannels.bytes(head.content());
                        head.setRequestId(id);
                        assertEquals(id, head.requestId(), what + ": requestId() after setRequestId");
                        assertArrayEquals(before, EmbeddedChannels.bytes(head.content()),
                                what + ": without ids on the wire, setRequestId must not change the bytes");
                        continue;
                    }
                    assertEquals(1, run.frames.size(), what + ": frames decoded");
                    XFrame f = run.frames.get(0);
                    f.setRequestId(id);
                    assertEquals(id, f.requestId(), what + ": requestId() after setRequestId");
                    rewritten = EmbeddedChannels.bytes(f.content());
                    assertEquals(s.length(), rewritten.length, what + ": the rewrite must be in place (same length)");
                    run.frames.remove(0);
                    byte[] encoded = EmbeddedChannels.encode(protocolInstance(), other(side), codecOptions(), f);
                    assertArrayEquals(rewritten, encoded, what + ": the " + other(side)
                            + "-side encoder must write content() unchanged");
                }
                FrameSample expected = new FrameSample(s.name(), s.kind(), id, s.headers(), s.status(), rewritten);
                try (Run run = new Run(side, codecOptions(), List.of(expected), what + ", decoded again")) {
                    run.feed(rewritten);
                    run.assertFrames(List.of(expected));
                    XFrame f = run.frames.get(0);
                    f.setRequestId(s.requestId());
                    assertArrayEquals(s.bytes(), EmbeddedChannels.bytes(f.content()),
                            what + ": setting the original id back must restore the original bytes, so only the id changed");
                }
            }
        });
    }

    @Test
    @DisplayName("oversize: one byte over maxFrameLength fails with a fatal FrameTooLargeException; at the limit it decodes")
    public void oversizeFramesAreRefused() {
        forEachSample((side, s) -> {
            if (s.length() < 2) {
                return;
            }
            String what = s.name() + " with maxFrameLength " + (s.length() - 1);
            try (Run run = new Run(side, withLimit(s.length() - 1), List.of(), what)) {
                run.feed(s.bytes());
                assertTrue(run.frames.isEmpty(), what + ": no frame may be decoded, got " + run.frames);
                run.assertOnlyCodecExceptions(what);
                CodecException tooLarge = run.codecExceptions().stream()
                        .filter(e -> e instanceof FrameTooLargeException).findFirst()
                        .orElseThrow(() -> new AssertionError(what + ": expected a FrameTooLargeException, got "
                                + run.exceptions()));
                assertTrue(tooLarge.isFatal(), what + ": FrameTooLargeException must be fatal");
            }
            decodeAndCheck(side, List.of(s), List.of(s.bytes()), s.name() + " with maxFrameLength exactly its length",
                    withLimit(s.length()), false);
        });
        int limit = codecOptions().maxFrameLength();
        for (CorruptSample h : oversizeHeaders(limit)) {
            String what = h.name() + " (header announcing more than " + limit + " bytes)";
            try (Run run = new Run(h.side(), codecOptions(), List.of(), what)) {
                run.feed(h.bytes());
                assertTrue(run.frames.isEmpty(), what + ": no frame may be decoded");
                run.assertOnlyCodecExceptions(what);
                assertTrue(run.codecExceptions().stream().anyMatch(e -> e instanceof FrameTooLargeException),
                        what + ": expected a FrameTooLargeException from the header alone, got " + run.exceptions());
            }
        }
    }

    @Test
    @DisplayName("corrupt input: a CodecException and nothing else, whole or byte by byte")
    public void corruptInputFailsWithCodecException() {
        List<CorruptSample> corrupt = corruptSamples();
        assertFalse(corrupt.isEmpty(), "corruptSamples() must supply at least one sample");
        for (CorruptSample c : corrupt) {
            byte[] b = c.bytes();
            List<List<byte[]>> feeds = new ArrayList<>();
            feeds.add(List.of(b));
            List<byte[]> single = new ArrayList<>();
            for (byte x : b) {
                single.add(new byte[] {x});
            }
            feeds.add(single);
            for (List<byte[]> chunks : feeds) {
                String what = c.name() + (chunks.size() == 1 ? " (whole)" : " (byte by byte)");
                try (Run run = new Run(c.side(), codecOptions(), List.of(), what)) {
                    for (byte[] chunk : chunks) {
                        if (!run.feed(chunk)) {
                            break;
                        }
                    }
                    assertTrue(run.frames.isEmpty(), what + ": corrupt input must not give a frame, got " + run.frames);
                    assertFalse(run.exceptions().isEmpty(), what + ": corrupt input must raise a CodecException");
                    run.assertOnlyCodecExceptions(what);
                }
            }
        }
    }

    @Test
    @DisplayName("robustness: samples with one byte overwritten give frames or CodecExceptions, never other exceptions")
    public void mutatedSamplesFailOnlyWithCodecExceptions() {
        byte[] values = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80};
        forEachSample((side, s) -> {
            byte[] original = s.bytes();
            int step = Math.max(1, original.length / MUTATION_POSITIONS);
            for (int pos = 0; pos < original.length; pos += step) {
                for (byte v : values) {
                    if (original[pos] == v) {
                        continue;
                    }
                    byte[] mutated = original.clone();
                    mutated[pos] = v;
                    String what = s.name() + " with byte " + pos + " set to " + (v & 0xff);
                    try (Run run = new Run(side, codecOptions(), List.of(), what)) {
                        run.feed(mutated);
                        run.assertOnlyCodecExceptions(what);
                    }
                }
            }
        });
    }

    @Test
    @DisplayName("heartbeats: heartbeatReply gives a HEARTBEAT_REPLY with the same id that the client side decodes")
    public void heartbeatsAreAnswered() {
        int checked = 0;
        for (FrameSample s : serverSamples()) {
            if (s.kind() != FrameKind.HEARTBEAT) {
                continue;
            }
            try (Run run = new Run(ProtocolSide.SERVER, codecOptions(), List.of(s), s.name())) {
                run.feed(s.bytes());
                run.assertFrames(List.of(s));
                checkHeartbeatReply(run.frames.get(0), s.name());
            }
            checked++;
        }
        XFrame own = protocolInstance().heartbeat(42, REPLY_ALLOC);
        if (own != null) {
            String what = "heartbeat(42)";
            assertEquals(FrameKind.HEARTBEAT, own.kind(), what + ": kind");
            assertEquals(42, own.requestId(), what + ": requestId");
            boolean exact = !(own.content().alloc() instanceof PooledByteBufAllocator);
            byte[] bytes = EmbeddedChannels.encode(protocolInstance(), ProtocolSide.CLIENT, codecOptions(), own);
            if (exact) {
                assertEquals(0, own.refCnt(), what + ": the encoder must release the frame it wrote");
            }
            FrameSample expected = FrameSample.of(what, FrameKind.HEARTBEAT, 42, bytes);
            try (Run run = new Run(ProtocolSide.SERVER, codecOptions(), List.of(expected), what + ", decoded")) {
                run.feed(bytes);
                run.assertFrames(List.of(expected));
                checkHeartbeatReply(run.frames.get(0), what);
            }
            checked++;
        }
        Assumptions.assumeTrue(checked > 0, "the protocol has no heartbeats (no HEARTBEAT sample, heartbeat() is null)");
    }

    @Test
    @DisplayName("error replies: every ErrorKind gives a RESPONSE with the request's id that the client side decodes")
    public void errorRepliesDecodeOnTheClientSide() {
        List<FrameSample> requests = serverSamples().stream().filter(s -> s.kind() == FrameKind.REQUEST).toList();
        for (FrameSample s : requests) {
            ReplyTemplate template;
            long id;
            try (Run run = new Run(ProtocolSide.SERVER, codecOptions(), List.of(s), s.name())) {
                run.feed(s.bytes());
                run.assertFrames(List.of(s));
                template = run.frames.get(0).replyTemplate();
                id = run.frames.get(0).requestId();
            }
            for (ErrorKind kind : ErrorKind.values()) {
                String message = "xmesh: contract test " + kind.name().toLowerCase() + " for " + s.name();
                String what = "errorReply(" + kind + ") to " + s.name();
                XFrame reply = protocolInstance().errorReply(template, id, kind, message, REPLY_ALLOC);
                assertNotNull(reply, what);
                int status;
                byte[] bytes;
                try {
                    assertEquals(FrameKind.RESPONSE, reply.kind(), what + ": kind");
                    assertEquals(id, reply.requestId(), what + ": requestId");
                    status = reply.status();
                } catch (AssertionError e) {
                    reply.release();
                    throw e;
                }
                boolean exact = !(reply.content().alloc() instanceof PooledByteBufAllocator);
                bytes = EmbeddedChannels.encode(protocolInstance(), ProtocolSide.SERVER, codecOptions(), reply);
                if (exact) {
                    assertEquals(0, reply.refCnt(), what + ": the encoder must release the frame it wrote");
                }
                if (errorRepliesCarryMessage()) {
                    assertTrue(indexOf(bytes, message.getBytes(StandardCharsets.UTF_8)) >= 0,
                            what + ": the encoded reply does not contain the message as UTF-8: " + HexVectors.toHex(bytes));
                }
                FrameSample expected = FrameSample.of(what, FrameKind.RESPONSE, id, bytes).withStatus(status);
                try (Run run = new Run(ProtocolSide.CLIENT, codecOptions(), List.of(expected), what + ", decoded")) {
                    run.feed(bytes);
                    run.assertFrames(List.of(expected));
                }
            }
        }
    }

    @Test
    @DisplayName("go-away: if the protocol has one, it encodes on the server side and is released")
    public void goAwayEncodesOnTheServerSide() {
        XFrame goAway = protocolInstance().goAway(REPLY_ALLOC);
        Assumptions.assumeTrue(goAway != null, "the protocol has no go-away frame (goAway() is null)");
        boolean exact = !(goAway.content().alloc() instanceof PooledByteBufAllocator);
        byte[] bytes = EmbeddedChannels.encode(protocolInstance(), ProtocolSide.SERVER, codecOptions(), goAway);
        assertTrue(bytes.length > 0, "goAway() encoded to no bytes");
        if (exact) {
            assertEquals(0, goAway.refCnt(), "the encoder must release the go-away frame it wrote");
        }
    }

    // ---------------------------------------------------------------- machinery

    private XProtocol protocolInstance() {
        if (protocol == null) {
            protocol = protocol();
        }
        return protocol;
    }

    private List<FrameSample> serverSamples() {
        List<FrameSample> samples = serverInbound();
        assertTrue(samples.stream().anyMatch(s -> s.kind() == FrameKind.REQUEST),
                "serverInbound() must supply at least one REQUEST sample");
        return samples;
    }

    private List<FrameSample> clientSamples() {
        List<FrameSample> samples = clientInbound();
        assertTrue(samples.stream().anyMatch(s -> s.kind() == FrameKind.RESPONSE),
                "clientInbound() must supply at least one RESPONSE sample");
        return samples;
    }

    private interface SampleCheck {
        void check(ProtocolSide side, FrameSample sample);
    }

    private void forEachSample(SampleCheck check) {
        for (FrameSample s : serverSamples()) {
            check.check(ProtocolSide.SERVER, s);
        }
        for (FrameSample s : clientSamples()) {
            check.check(ProtocolSide.CLIENT, s);
        }
    }

    private static ProtocolSide other(ProtocolSide side) {
        return side == ProtocolSide.SERVER ? ProtocolSide.CLIENT : ProtocolSide.SERVER;
    }

    private CodecOptions withLimit(int limit) {
        return new CodecOptions(limit, codecOptions().settings());
    }

    private static int[] splitPoints(int length) {
        if (length <= EXHAUSTIVE_LIMIT) {
            int[] all = new int[Math.max(0, length - 1)];
            for (int i = 0; i < all.length; i++) {
                all[i] = i + 1;
            }
            return all;
        }
        List<Integer> points = new ArrayList<>();
        for (int i = 1; i < length; i++) {
            if (i <= 512 || i >= length - 512 || i % 97 == 0) {
                points.add(i);
            }
        }
        return points.stream().mapToInt(Integer::intValue).toArray();
    }

    /** match() on {@code bytes[0, length)} behind a junk prefix already read past; checks nothing moved. */
    private ProtocolMatch matchWithJunkPrefix(byte[] bytes, int length) {
        ByteBuf buf = EmbeddedChannels.buffer(JUNK_PREFIX);
        try {
            buf.writeBytes(bytes, 0, length);
            buf.readerIndex(JUNK_PREFIX.length);
            byte[] before = EmbeddedChannels.bytes(buf);
            ProtocolMatch m = protocolInstance().match(buf);
            assertNotNull(m, "match() returned null");
            assertEquals(1, buf.refCnt(), "match() must not release or retain the buffer");
            assertEquals(JUNK_PREFIX.length, buf.readerIndex(), "match() must not move the reader index");
            assertEquals(JUNK_PREFIX.length + length, buf.writerIndex(), "match() must not move the writer index");
            assertArrayEquals(before, EmbeddedChannels.bytes(buf), "match() must not change the bytes");
            return m;
        } finally {
            if (buf.refCnt() > 0) {
                buf.release(buf.refCnt());
            }
        }
    }

    /** Decodes {@code chunks} as separate reads and checks every field of the frames. */
    private void decodeAndCheck(ProtocolSide side, List<FrameSample> expected, List<byte[]> chunks, String what) {
        decodeAndCheck(side, expected, chunks, what, codecOptions(), true);
    }

    /**
     * Like {@link #decodeAndCheck(ProtocolSide, List, List, String)}, checking only what
     * fragmentation could change (kind, id, stream end, content): the other fields derive from
     * the content and are checked once on whole frames. Keeps the many-splits tests fast for
     * codecs whose header lookups deserialize.
     */
    private void decodeAndCheckLight(ProtocolSide side, List<FrameSample> expected, List<byte[]> chunks, String what) {
        decodeAndCheck(side, expected, chunks, what, codecOptions(), false);
    }

    private void decodeAndCheck(ProtocolSide side, List<FrameSample> expected, List<byte[]> chunks, String what,
                                CodecOptions options, boolean full) {
        try (Run run = new Run(side, options, expected, what)) {
            for (byte[] chunk : chunks) {
                run.feed(chunk);
            }
            run.assertFrames(expected, full);
        }
    }

    private void checkHeartbeatReply(XFrame heartbeat, String what) {
        XFrame reply = protocolInstance().heartbeatReply(heartbeat, REPLY_ALLOC);
        assertNotNull(reply, what + ": heartbeatReply");
        assertTrue(heartbeat.refCnt() > 0, what + ": heartbeatReply must not release the heartbeat (it is borrowed)");
        try {
            assertEquals(FrameKind.HEARTBEAT_REPLY, reply.kind(), what + ": heartbeatReply kind");
            assertEquals(heartbeat.requestId(), reply.requestId(), what + ": heartbeatReply requestId");
        } catch (AssertionError e) {
            reply.release();
            throw e;
        }
        long id = reply.requestId();
        boolean exact = !(reply.content().alloc() instanceof PooledByteBufAllocator);
        byte[] bytes = EmbeddedChannels.encode(protocolInstance(), ProtocolSide.SERVER, codecOptions(), reply);
        if (exact) {
            assertEquals(0, reply.refCnt(), what + ": the encoder must release the heartbeat reply it wrote");
        }
        FrameSample expected = FrameSample.of(what + " reply", FrameKind.HEARTBEAT_REPLY, id, bytes);
        try (Run run = new Run(ProtocolSide.CLIENT, codecOptions(), List.of(expected), what + " reply, decoded")) {
            run.feed(bytes);
            run.assertFrames(List.of(expected));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * One decoding run: a fresh codec channel, the buffers fed to it, the frames it gave. Closing
     * it releases the frames, checks {@code finish()} is false, that no exception appeared while
     * finishing, and that every input buffer's reference count is exactly zero.
     */
    private final class Run implements AutoCloseable {
        final String what;
        final EmbeddedChannel ch;
        final List<XFrame> frames = new ArrayList<>();
        final List<ByteBuf> inputs = new ArrayList<>();
        private int exceptionsBeforeFinish;

        Run(ProtocolSide side, CodecOptions options, List<FrameSample> expected, String what) {
            this.what = what;
            this.ch = EmbeddedChannels.open(protocolInstance(), side, options);
            if (side == ProtocolSide.CLIENT) {
                beforeClientInbound(ch, expected);
            }
        }

        /** Feeds a copy of {@code bytes} as one read; false when the codec has closed the channel. */
        boolean feed(byte[] bytes) {
            if (!ch.isOpen()) {
                return false;
            }
            ByteBuf buf = EmbeddedChannels.buffer(bytes);
            inputs.add(buf);
            ch.writeInbound(buf);
            frames.addAll(EmbeddedChannels.readFrames(ch));
            return ch.isOpen();
        }

        List<Throwable> exceptions() {
            return EmbeddedChannels.exceptions(ch);
        }

        List<CodecException> codecExceptions() {
            return exceptions().stream().map(EmbeddedChannels::codecException).filter(e -> e != null).toList();
        }

        void assertNoExceptions() {
            List<Throwable> errors = exceptions();
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError(what + ": unexpected exception " + errors.get(0), errors.get(0));
                errors.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }

        void assertOnlyCodecExceptions(String context) {
            for (Throwable t : exceptions()) {
                if (EmbeddedChannels.isWrappedCodecException(t)) {
                    throw new AssertionError(context + ": the CodecException reached the pipeline wrapped in a "
                            + "DecoderException: fire it with ctx.fireExceptionCaught(e) instead of throwing it from decode()", t);
                }
                if (EmbeddedChannels.codecException(t) == null) {
                    throw new AssertionError(context + ": the codec raised " + t.getClass().getName()
                            + " instead of a CodecException", t);
                }
            }
        }

        /**
         * Checks the decoded frames against {@code expected}, one message per sample. A message is
         * a frame followed by any {@link FrameKind#DATA} frames that continue it (a streamed body);
         * its content is theirs concatenated.
         */
        void assertFrames(List<FrameSample> expected) {
            assertFrames(expected, true);
        }

        /** @param full false: only kind, id, stream end and content (see {@code decodeAndCheckLight}) */
        void assertFrames(List<FrameSample> expected, boolean full) {
            assertNoExceptions();
            List<List<XFrame>> messages = new ArrayList<>();
            for (XFrame f : frames) {
                if (f.kind() == FrameKind.DATA && !messages.isEmpty()) {
                    messages.get(messages.size() - 1).add(f);
                } else {
                    messages.add(new ArrayList<>(List.of(f)));
                }
            }
            assertEquals(expected.size(), messages.size(), what + ": number of messages decoded, got frames " + frames);
            String plugin = pluginName();
            for (int i = 0; i < expected.size(); i++) {
                FrameSample s = expected.get(i);
                List<XFrame> message = messages.get(i);
                XFrame f = message.get(0);
                String at = what + ", message " + i + " (" + s.name() + ")";
                assertTrue(f.refCnt() >= 1, at + ": a decoded frame must be live");
                assertEquals(s.kind(), f.kind(), at + ": kind");
                if (requestIdsOnTheWire()) {
                    assertEquals(s.requestId(), f.requestId(), at + ": requestId");
                }
                if (plugin != null) {
                    assertEquals(plugin, f.protocol(), at + ": protocol() must be the plugin name");
                }
                if (full) {
                    checkFields(s, f, at);
                }
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                for (int j = 0; j < message.size(); j++) {
                    XFrame part = message.get(j);
                    boolean last = j == message.size() - 1;
                    assertEquals(last, part.endOfStream(), at + ", frame " + j + " of " + message.size()
                            + ": endOfStream() must be true exactly on the last frame of a message");
                    if (j > 0) {
                        assertEquals(f.requestId(), part.requestId(), at + ", frame " + j + ": a DATA frame has its message's id");
                    }
                    content.writeBytes(EmbeddedChannels.bytes(part.content()));
                }
                if (contentIsVerbatim() && !Arrays.equals(s.bytes(), content.toByteArray())) {
                    fail(at + ": content() must be the bytes received\n expected: " + HexVectors.toHex(s.bytes())
                            + "\n   actual: " + HexVectors.toHex(content.toByteArray()));
                }
            }
        }

        private void checkFields(FrameSample s, XFrame f, String at) {
            if (s.status() != FrameSample.ANY_STATUS) {
                assertEquals(s.status(), f.status(), at + ": status");
            }
            for (Map.Entry<String, String> h : s.headers().entrySet()) {
                assertEquals(h.getValue(), f.header(h.getKey()), at + ": header " + h.getKey());
            }
            Map<String, String> listed = new HashMap<>();
            f.forEachHeader(listed::put);
            for (Map.Entry<String, String> h : listed.entrySet()) {
                assertEquals(h.getValue(), f.header(h.getKey()),
                        at + ": forEachHeader and header() disagree on " + h.getKey());
            }
            if (f.kind() == FrameKind.REQUEST) {
                assertNotNull(f.replyTemplate(), at + ": a REQUEST frame must have a replyTemplate()");
            }
        }

        @Override
        public void close() {
            AssertionError failure = null;
            try {
                EmbeddedChannels.releaseAll(frames);
            } catch (RuntimeException e) {
                failure = new AssertionError(what + ": releasing a decoded frame failed (released too often by the codec?)", e);
            }
            frames.clear();
            exceptionsBeforeFinish = exceptions().size();
            try {
                EmbeddedChannels.finishClean(ch);
            } catch (AssertionError e) {
                failure = failure == null ? e : failure;
            }
            List<Throwable> late = exceptions().subList(exceptionsBeforeFinish, exceptions().size());
            for (Throwable t : late) {
                if (EmbeddedChannels.codecException(t) == null && failure == null) {
                    failure = new AssertionError(what + ": closing the channel raised " + t, t);
                }
            }
            for (int i = 0; i < inputs.size(); i++) {
                ByteBuf in = inputs.get(i);
                int cnt = in.refCnt();
                if (cnt != 0) {
                    in.release(cnt);
                    if (failure == null) {
                        failure = new AssertionError(what + ": input buffer " + i + " still has reference count " + cnt
                                + " after every frame was released and the channel closed: the codec kept a reference");
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private String pluginName() {
        XmeshPlugin plugin = protocolInstance().getClass().getAnnotation(XmeshPlugin.class);
        return plugin == null ? null : plugin.name();
    }
}
