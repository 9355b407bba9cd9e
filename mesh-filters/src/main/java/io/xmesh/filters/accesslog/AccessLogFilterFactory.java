package io.xmesh.filters.accesslog;

import com.google.auto.service.AutoService;
import io.xmesh.filters.internal.Settings;
import io.xmesh.xprotocol.filter.StreamFilter;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates {@link AccessLogFilter}s. Configuration (see {@code docs/filters.md}):
 * <pre>
 * path: /var/log/xmesh/access.log   # a file (appended to, created if missing) or "stdout" (default)
 * queueSize: 8192                  # lines waiting for the writer thread; more are dropped and counted
 * </pre>
 * {@code create} checks that the file's folder exists, but opens nothing and starts no thread: the writer
 * thread starts with the first request and opens the file.
 */
@XmeshPlugin(name = "access-log", order = 900, description = "One JSON line per request, written off the event loop")
@AutoService(StreamFilterFactory.class)
public final class AccessLogFilterFactory implements StreamFilterFactory {

    private final AtomicInteger created = new AtomicInteger();

    /** Public no-argument constructor for {@link java.util.ServiceLoader}; no side effects. */
    public AccessLogFilterFactory() {
    }

    /** Called off the event loops at startup; returns a thread-safe filter that should be closed at shutdown. */
    @Override
    public StreamFilter create(Map<String, Object> config) {
        Settings s = Settings.of("access-log", config).allowOnly("path", "queueSize");
        String path = s.string("path", "stdout").trim();
        int queueSize = s.integer("queueSize", 8192, 1, 1 << 20);
        AccessLogSink sink;
        if (path.equals("stdout") || path.equals("-")) {
            sink = StreamSink.stream(System.out);
        } else {
            Path file;
            try {
                file = Path.of(path).toAbsolutePath();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(s.key("path") + ": not a valid path: " + path, e);
            }
            Path dir = file.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException(s.key("path") + ": folder " + dir + " does not exist");
            }
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(s.key("path") + ": " + file + " is a folder");
            }
            sink = StreamSink.file(file);
        }
        return new AccessLogFilter(queueSize, sink, System::currentTimeMillis, System::nanoTime,
                "xmesh-access-log-" + created.incrementAndGet());
    }
}
