package io.xmesh.bootstrap.engine;

import io.netty.handler.codec.DecoderException;
import io.xmesh.xprotocol.codec.CodecException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class CodecErrorUnwrapTest {

    @Test
    void aCodecExceptionThrownFromADecoderIsTreatedAsFired() {
        CodecException ce = new CodecException("bad body", 42, false, null);
        assertThat(DownstreamConnection.unwrapCodecException(new DecoderException(ce))).isSameAs(ce);
        assertThat(DownstreamConnection.unwrapCodecException(ce)).isSameAs(ce);
    }

    @Test
    void otherErrorsAreLeftAlone() {
        DecoderException other = new DecoderException(new IllegalStateException("x"));
        assertThat(DownstreamConnection.unwrapCodecException(other)).isSameAs(other);
        IOException io = new IOException("reset");
        assertThat(DownstreamConnection.unwrapCodecException(io)).isSameAs(io);
    }
}
