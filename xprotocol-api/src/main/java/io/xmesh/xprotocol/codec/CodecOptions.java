package io.xmesh.xprotocol.codec;

import java.util.Map;
import java.util.Objects;

/**
 * Settings for one codec instance (one connection), from the listener's or cluster's
 * configuration.
 *
 * @param maxFrameLength the largest frame (header and body) accepted, in bytes; larger frames
 *                       fail with {@link FrameTooLargeException}
 * @param settings       protocol-specific settings from the configuration, read-only
 */
public record CodecOptions(int maxFrameLength, Map<String, Object> settings) {

    /** Default frame limit: 8 MiB, Apache Dubbo's default payload limit. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;

    /** Default options. */
    public static final CodecOptions DEFAULTS = new CodecOptions(DEFAULT_MAX_FRAME_LENGTH, Map.of());

    public CodecOptions {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength must be positive: " + maxFrameLength);
        }
        settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
    }

    /** A protocol-specific setting, or {@code defaultValue} when absent. */
    public Object setting(String key, Object defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }
}
