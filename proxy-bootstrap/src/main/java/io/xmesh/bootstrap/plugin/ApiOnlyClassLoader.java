package io.xmesh.bootstrap.plugin;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of every plugin folder's class loader: it exposes only the JDK and the packages a
 * plugin shares with the proxy (the xmesh API, Netty, SLF4J), and no resources, so a plugin
 * cannot see the proxy's own libraries or another plugin's classes, and {@code ServiceLoader}
 * on a plugin loader finds only that plugin's service files.
 */
final class ApiOnlyClassLoader extends ClassLoader {

    /** Package prefixes shared with plugins. Everything else is private to each side. */
    static final List<String> SHARED_PACKAGES = List.of("io.xmesh.xprotocol.", "io.netty.", "org.slf4j.");

    private final ClassLoader proxyLoader;

    ApiOnlyClassLoader(ClassLoader proxyLoader) {
        super("xmesh-api", ClassLoader.getPlatformClassLoader());
        this.proxyLoader = proxyLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : SHARED_PACKAGES) {
            if (name.startsWith(prefix)) {
                return proxyLoader.loadClass(name);
            }
        }
        return super.loadClass(name, resolve); // JDK only
    }

    @Override
    public URL getResource(String name) {
        return null;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return Collections.emptyEnumeration();
    }
}
