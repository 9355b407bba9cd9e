package io.xmesh.filters.accesslog;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An {@link AccessLogSink} on an output stream: a file (opened for append on first write, by the writer thread)
 * or the process's standard output (never closed). UTF-8.
 */
final class StreamSink implements AccessLogSink {

    private final Path file;
    private final OutputStream stdout;
    private Writer writer;

    private StreamSink(Path file, OutputStream stdout) {
        this.file = file;
        this.stdout = stdout;
    }

    /** Appends to {@code file}, created if missing. */
    static StreamSink file(Path file) {
        return new StreamSink(file, null);
    }

    /** Writes to {@code out}, which is flushed but never closed. */
    static StreamSink stream(OutputStream out) {
        return new StreamSink(null, out);
    }

    private Writer writer() throws IOException {
        if (writer == null) {
            OutputStream out = file != null
                    ? Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)
                    : stdout;
            writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        }
        return writer;
    }

    @Override
    public void writeLine(String line) throws IOException {
        Writer w = writer();
        w.write(line);
        w.write('\n');
    }

    @Override
    public void flush() throws IOException {
        if (writer != null) {
            writer.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (writer == null) {
            return;
        }
        Writer w = writer;
        writer = null;
        if (file != null) {
            w.close();
        } else {
            w.flush();
        }
    }

    @Override
    public String toString() {
        return file != null ? file.toString() : "stdout";
    }
}
