package io.xmesh.testkit.toy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ProtocolMatch;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.XProtocol;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * Runs the contract against codecs broken on purpose and checks that the right contract test
 * fails with a message that points at the fault. Proves the kit's checks can fail.
 */
class ContractCatchesBrokenCodecsTest {

    @Test
    void matchThatMovesTheReaderIndexFails() {
        assertFails(MatchMovesIndex.class, "matchRecognisesOwnBytes", "must not move the reader index");
    }

    @Test
    void ignoredFrameLimitFails() {
        assertFails(NoLimit.class, "oversizeFramesAreRefused", "no frame may be decoded");
    }

    @Test
    void untypedExceptionOnCorruptInputFails() {
        assertFails(UntypedError.class, "corruptInputFailsWithCodecException", "instead of a CodecException");
    }

    @Test
    void codecExceptionThrownFromDecodeFails() {
        assertFails(ThrowsFromDecode.class, "corruptInputFailsWithCodecException", "wrapped in a DecoderException");
    }

    @Test
    void decoderThatAssumesWholeFramesFails() {
        assertFails(NotFragmentationSafe.class, "decodesEveryTwoWaySplit", "unexpected exception");
    }

    @Test
    void idRewriteThatSkipsTheWireFails() {
        assertFails(IdNotOnWire.class, "requestIdRewriteRoundTrips", "decoded again, message 0 (request): requestId");
    }

    @Test
    void codecThatKeepsAReferenceToInputFails() {
        assertFails(KeepsInput.class, "decodesWholeServerFrames", "still has reference count 1");
    }

    @Test
    void streamedBodiesAreCheckedAsOneMessage() {
        for (String method : new String[] {"decodesWholeServerFrames", "decodesWholeClientFrames",
                "decodesEveryTwoWaySplit", "decodesManyFramesPerRead"}) {
            TestExecutionSummary summary = run(Streaming.class, method);
            assertThat(summary.getTestsSucceededCount()).as(method + "\n" + failures(summary)).isEqualTo(1);
        }
        assertFails(StreamingWithoutEnd.class, "decodesWholeServerFrames", "endOfStream() must be true exactly on the last frame");
    }

    @Test
    void aCheckCanBeOptedOutOfByOverridingItDisabled() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(OptedOut.class)).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsFailedCount()).as(failures(summary)).isZero();
        assertThat(summary.getTestsSkippedCount()).as("the disabled overrides are reported as skipped").isEqualTo(2);
        assertThat(summary.getTestsStartedCount()).as("the other checks still run, the overridden ones do not")
                .isEqualTo(summary.getTestsFoundCount() - 2).isGreaterThan(10);
    }

    @Test
    void theUnbrokenToyPassesTheSameMethods() {
        for (String method : new String[] {"matchRecognisesOwnBytes", "oversizeFramesAreRefused",
                "corruptInputFailsWithCodecException", "decodesEveryTwoWaySplit", "requestIdRewriteRoundTrips",
                "decodesWholeServerFrames"}) {
            TestExecutionSummary summary = run(Unbroken.class, method);
            assertThat(summary.getTestsSucceededCount()).as(method + "\n" + failures(summary)).isEqualTo(1);
        }
    }

    private static void assertFails(Class<?> contract, String method, String expectedMessage) {
        TestExecutionSummary summary = run(contract, method);
        assertThat(summary.getTestsStartedCount()).as("tests started").isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).as("the contract must catch " + contract.getSimpleName()).isEqualTo(1);
        assertThat(failures(summary)).contains(expectedMessage);
    }

    private static TestExecutionSummary run(Class<?> contract, String method) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(contract.getName() + "#" + method)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        StringWriter out = new StringWriter();
        summary.printFailuresTo(new PrintWriter(out), 20);
        return out.toString();
    }

    // ---- the contract bound to broken codecs (static nested: not run by surefire on their own)

    public static class Unbroken extends ToyProtocolContractTest {
    }

    public static class Streaming extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean streamBodies() {
                    return true;
                }
            };
        }
    }

    public static class StreamingWithoutEnd extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean streamBodies() {
                    return true;
                }

                @Override
                protected boolean dataEndsStream() {
                    return false;
                }
            };
        }
    }

    /** Ignores the frame limit, and opts out of the check that would catch it. */
    public static class OptedOut extends NoLimit {
        @Override
        @Test
        @org.junit.jupiter.api.Disabled("the toy variant ignores the limit on purpose")
        public void oversizeFramesAreRefused() {
        }

        @Override
        @Test
        @org.junit.jupiter.api.Disabled("the variant is an anonymous class, not a listed plugin")
        public void pluginIdentity() {
        }
    }

    public static class MatchMovesIndex extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                public ProtocolMatch match(ByteBuf in) {
                    ProtocolMatch m = super.match(in);
                    if (in.isReadable()) {
                        in.readByte();
                    }
                    return m;
                }
            };
        }
    }

    public static class NoLimit extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean enforceLimit() {
                    return false;
                }
            };
        }
    }

    public static class UntypedError extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected RuntimeException badMagic() {
                    return new IllegalStateException("bad magic");
                }
            };
        }
    }

    public static class ThrowsFromDecode extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean throwErrors() {
                    return true;
                }
            };
        }
    }

    public static class NotFragmentationSafe extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean waitForWholeFrame() {
                    return false;
                }
            };
        }
    }

    public static class IdNotOnWire extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new ToyProtocol() {
                @Override
                protected boolean rewriteOnWire() {
                    return false;
                }
            };
        }
    }

    public static class KeepsInput extends ToyProtocolContractTest {
        @Override
        protected XProtocol protocol() {
            return new RetainingToy();
        }
    }

    /** Retains every inbound buffer once more and never releases it. */
    @XmeshPlugin(name = "toy")
    public static class RetainingToy extends ToyProtocol {
        @Override
        public void initChannel(ChannelPipeline pipeline, ProtocolSide side, CodecOptions options) {
            pipeline.addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).retain();
                    ctx.fireChannelRead(msg);
                }
            });
            super.initChannel(pipeline, side, options);
        }
    }
}
