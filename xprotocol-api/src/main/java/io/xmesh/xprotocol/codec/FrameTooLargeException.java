package io.xmesh.xprotocol.codec;

/** A frame longer than {@link CodecOptions#maxFrameLength()}. Always fatal: its bytes are not read. */
public class FrameTooLargeException extends CodecException {
    private static final long serialVersionUID = 1L;

    /**
     * @param length    the length the frame announced
     * @param limit     the configured limit
     * @param requestId the frame's request id, or {@link CodecException#NO_REQUEST_ID}
     */
    public FrameTooLargeException(long length, int limit, long requestId) {
        super("frame of " + length + " bytes exceeds the limit of " + limit + " bytes", requestId, true, null);
    }
}
