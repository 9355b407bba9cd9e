package io.xmesh.bootstrap;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Closes what a test tracked, the last tracked first, after each test. Register it as an instance field with
 * {@code @RegisterExtension}.
 */
public final class Closer implements AfterEachCallback {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Returns {@code c}, to be closed after the test. */
    public <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
    }
}
