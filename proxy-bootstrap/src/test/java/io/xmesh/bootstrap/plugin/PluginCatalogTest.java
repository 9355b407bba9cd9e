package io.xmesh.bootstrap.plugin;

import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.PluginKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginCatalogTest {

    private static final String P = "io.xmesh.bootstrap.plugin.probe.";

    @TempDir
    Path tmp;

    /** A "class path" of the given jars that cannot see the test classes themselves. */
    private static URLClassLoader classPath(Path... jars) throws Exception {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        return new URLClassLoader(urls, new ApiOnlyClassLoader(PluginCatalogTest.class.getClassLoader()));
    }

    private static List<PluginDescriptor> filters(PluginCatalog catalog) {
        return catalog.plugins(PluginKind.FILTER);
    }

    @Test
    void duplicateNameOnClassPathFailsNamingBothClassesAndJars() throws Exception {
        Path a = TestJars.filterPluginJar(tmp.resolve("alpha-1.0.jar"), P + "DupAlpha");
        Path b = TestJars.filterPluginJar(tmp.resolve("beta-2.0.jar"), P + "DupBeta");
        try (URLClassLoader cp = classPath(a, b)) {
            assertThatThrownBy(() -> PluginCatalog.discover(cp, null, Map.of()))
                    .isInstanceOf(PluginConflictException.class)
                    .hasMessageContaining("duplicate filter plugin name 'dup'")
                    .hasMessageContaining(P + "DupAlpha").hasMessageContaining(a.toString())
                    .hasMessageContaining(P + "DupBeta").hasMessageContaining(b.toString());
        }
    }

    @Test
    void duplicateNameAcrossPluginFoldersFailsNamingBothJars() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Path a = TestJars.filterPluginJar(plugins.resolve("one/one.jar"), P + "DupAlpha");
        Path b = TestJars.filterPluginJar(plugins.resolve("two/two.jar"), P + "DupBeta");
        try (URLClassLoader cp = classPath()) {
            assertThatThrownBy(() -> PluginCatalog.discover(cp, plugins, Map.of()))
                    .isInstanceOf(PluginConflictException.class)
                    .hasMessageContaining(a.toString()).hasMessageContaining(b.toString());
        }
    }

    @Test
    void configuredChoiceResolvesDuplicate() throws Exception {
        Path a = TestJars.filterPluginJar(tmp.resolve("a.jar"), P + "DupAlpha");
        Path b = TestJars.filterPluginJar(tmp.resolve("b.jar"), P + "DupBeta");
        try (URLClassLoader cp = classPath(a, b)) {
            PluginCatalog catalog = PluginCatalog.discover(cp, null, Map.of("filter:dup", P + "DupBeta"));
            assertThat(filters(catalog)).extracting(PluginDescriptor::className).containsExactly(P + "DupBeta");
            assertThat(catalog.instance(PluginKind.FILTER, "dup", StreamFilterFactory.class).getClass().getName())
                    .isEqualTo(P + "DupBeta");
        }
        try (URLClassLoader cp = classPath(a, b)) {
            assertThatThrownBy(() -> PluginCatalog.discover(cp, null, Map.of("filter:dup", "com.example.Nope")))
                    .isInstanceOf(PluginConflictException.class).hasMessageContaining("com.example.Nope");
        }
    }

    @Test
    void orderIsOrderThenNameWhateverTheClassPathOrder() throws Exception {
        Path zeta = TestJars.filterPluginJar(tmp.resolve("zeta.jar"), P + "Zeta");
        Path alpha = TestJars.filterPluginJar(tmp.resolve("alpha.jar"), P + "Alpha");
        Path early = TestJars.filterPluginJar(tmp.resolve("early.jar"), P + "Early");
        List<PluginDescriptor> forward;
        List<PluginDescriptor> reversed;
        try (URLClassLoader cp = classPath(zeta, alpha, early)) {
            forward = filters(PluginCatalog.discover(cp, null, Map.of()));
        }
        try (URLClassLoader cp = classPath(early, alpha, zeta)) {
            reversed = filters(PluginCatalog.discover(cp, null, Map.of()));
        }
        assertThat(forward).extracting(PluginDescriptor::name).containsExactly("early", "alpha", "zeta");
        assertThat(reversed).isEqualTo(forward);
    }

    @Test
    void listingRunsNoStaticInitializerAndConstructsNothing() throws Exception {
        System.clearProperty(P + "unused");
        String flag = "xmesh.test.static-init-probe.initialised"; // StaticInitProbe.PROPERTY, not referenced to keep it unloaded
        System.clearProperty(flag);
        Path probe = TestJars.filterPluginJar(tmp.resolve("probe.jar"), P + "StaticInitProbe", P + "Alpha");
        try (URLClassLoader cp = classPath(probe)) {
            PluginCatalog catalog = PluginCatalog.discover(cp, null, Map.of());
            assertThat(filters(catalog)).extracting(PluginDescriptor::name).contains("static-init-probe", "alpha");
            assertThat(System.getProperty(flag)).as("static initializer ran during discovery").isNull();
            assertThat(catalog.constructedCount()).isZero();

            catalog.instance(PluginKind.FILTER, "alpha", StreamFilterFactory.class);
            assertThat(System.getProperty(flag)).as("constructing another plugin initialised the probe").isNull();
            assertThat(catalog.constructedCount()).isOne();

            Object first = catalog.instance(PluginKind.FILTER, "static-init-probe", StreamFilterFactory.class);
            assertThat(System.getProperty(flag)).isEqualTo("true");
            assertThat(catalog.instance(PluginKind.FILTER, "static-init-probe", StreamFilterFactory.class))
                    .as("constructed once").isSameAs(first);
        } finally {
            System.clearProperty(flag);
        }
    }

    @Test
    void providerWithoutAnnotationIsRejectedWithItsJar() throws Exception {
        Path bad = TestJars.filterPluginJar(tmp.resolve("bad.jar"), P + "NoAnnotation");
        try (URLClassLoader cp = classPath(bad)) {
            assertThatThrownBy(() -> PluginCatalog.discover(cp, null, Map.of()))
                    .isInstanceOf(PluginConflictException.class)
                    .hasMessageContaining(P + "NoAnnotation").hasMessageContaining(bad.toString())
                    .hasMessageContaining("@XmeshPlugin");
        }
    }

    @Test
    void unknownNameListsKnownOnes() throws Exception {
        Path alpha = TestJars.filterPluginJar(tmp.resolve("alpha.jar"), P + "Alpha");
        try (URLClassLoader cp = classPath(alpha)) {
            PluginCatalog catalog = PluginCatalog.discover(cp, null, Map.of());
            assertThatThrownBy(() -> catalog.instance(PluginKind.FILTER, "nope", StreamFilterFactory.class))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known: alpha");
        }
    }

    /**
     * The origin story's dependency-conflict pain: two plugins bundle two incompatible versions of
     * one library. Each plugin folder has its own class loader, so each sees its own version.
     */
    @Test
    void pluginFoldersAreIsolatedAndMayBundleConflictingLibraryVersions() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Path lib1 = TestJars.compileJar(tmp.resolve("build/lib-1.0.jar"), Map.of("com.acme.lib.Lib",
                "package com.acme.lib; public final class Lib { public static String version() { return \"1.0\"; } }"),
                List.of());
        Path lib2 = TestJars.compileJar(tmp.resolve("build/lib-2.0.jar"), Map.of("com.acme.lib.Lib",
                "package com.acme.lib; public final class Lib { public static String version2() { return \"2.0\"; } }"),
                List.of());
        String spi = StreamFilterFactory.class.getName();
        TestJars.compileJar(plugins.resolve("first/first-plugin.jar"), Map.of("com.acme.first.First", """
                package com.acme.first;
                @io.xmesh.xprotocol.plugin.XmeshPlugin(name = "first")
                public class First implements io.xmesh.xprotocol.filter.StreamFilterFactory, java.util.function.Supplier<String> {
                    public io.xmesh.xprotocol.filter.StreamFilter create(java.util.Map<String, Object> c) {
                        return new io.xmesh.xprotocol.filter.StreamFilter() { };
                    }
                    public String get() { return com.acme.lib.Lib.version(); }
                }
                """), List.of(lib1), spi + "=com.acme.first.First");
        TestJars.compileJar(plugins.resolve("second/second-plugin.jar"), Map.of("com.acme.second.Second", """
                package com.acme.second;
                @io.xmesh.xprotocol.plugin.XmeshPlugin(name = "second")
                public class Second implements io.xmesh.xprotocol.filter.StreamFilterFactory, java.util.function.Supplier<String> {
                    public io.xmesh.xprotocol.filter.StreamFilter create(java.util.Map<String, Object> c) {
                        return new io.xmesh.xprotocol.filter.StreamFilter() { };
                    }
                    public String get() { return com.acme.lib.Lib.version2(); }
                }
                """), List.of(lib2), spi + "=com.acme.second.Second");
        java.nio.file.Files.copy(lib1, plugins.resolve("first/lib-1.0.jar"));
        java.nio.file.Files.copy(lib2, plugins.resolve("second/lib-2.0.jar"));

        try (URLClassLoader cp = classPath()) {
            PluginCatalog catalog = PluginCatalog.discover(cp, plugins, Map.of());
            try {
                assertThat(filters(catalog)).extracting(PluginDescriptor::name).containsExactly("first", "second");
                assertThat(filters(catalog).get(0).source()).endsWith("first-plugin.jar");
                Object first = catalog.instance(PluginKind.FILTER, "first", StreamFilterFactory.class);
                Object second = catalog.instance(PluginKind.FILTER, "second", StreamFilterFactory.class);
                assertThat(((Supplier<?>) first).get()).isEqualTo("1.0");
                assertThat(((Supplier<?>) second).get()).isEqualTo("2.0");

                ClassLoader firstLoader = first.getClass().getClassLoader();
                // the API is shared with the proxy: the same Class object, so the plugin can be used
                assertThat(firstLoader.loadClass(StreamFilterFactory.class.getName())).isSameAs(StreamFilterFactory.class);
                // but neither the proxy's internals nor the other plugin are visible
                assertThatThrownBy(() -> firstLoader.loadClass(PluginCatalog.class.getName()))
                        .isInstanceOf(ClassNotFoundException.class);
                assertThatThrownBy(() -> firstLoader.loadClass("com.acme.second.Second"))
                        .isInstanceOf(ClassNotFoundException.class);
            } finally {
                catalog.close();
            }
        }
    }
}
