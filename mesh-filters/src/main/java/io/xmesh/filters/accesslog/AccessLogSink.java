package io.xmesh.filters.accesslog;

import java.io.IOException;

/** Where access-log lines go. Used only by the access-log writer thread. */
interface AccessLogSink {

    /** Writes one line (without its line break); may buffer. */
    void writeLine(String line) throws IOException;

    /** Pushes buffered lines out. */
    void flush() throws IOException;

    /** Flushes and releases the sink (a file is closed; stdout is not). */
    void close() throws IOException;
}
