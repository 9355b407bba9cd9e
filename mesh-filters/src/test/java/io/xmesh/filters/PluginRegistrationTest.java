package io.xmesh.filters;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.xmesh.xprotocol.filter.StreamFilterFactory;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import io.xmesh.filters.ratelimit.RateLimitFilterFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The four filters are found by ServiceLoader with their names, and follow the plugin rules. */
class PluginRegistrationTest {

    @Test
    void serviceLoaderListsTheFourFiltersByName() {
        Map<String, Class<?>> byName = ServiceLoader.load(StreamFilterFactory.class).stream()
                .map(ServiceLoader.Provider::type)
                .filter(t -> t.getPackageName().startsWith("io.xmesh.filters"))
                .collect(Collectors.toMap(t -> t.getAnnotation(XmeshPlugin.class).name(), t -> t));
        assertThat(byName).containsOnlyKeys("rate-limit", "fault", "tracing", "access-log");
        for (Class<?> type : byName.values()) {
            assertThat(type.getAnnotation(XmeshPlugin.class).name()).matches(XmeshPlugin.NAME_PATTERN);
        }
    }

    @Test
    void everyFilterCanBeCreatedWithDefaultsOrMinimalConfig() {
        Map<String, Map<String, Object>> minimal = Map.of(
                "rate-limit", Map.of("rate", 10),
                "fault", Map.of("abort", Map.of("percent", 1)),
                "tracing", Map.of(),
                "access-log", Map.of());
        for (ServiceLoader.Provider<StreamFilterFactory> p : ServiceLoader.load(StreamFilterFactory.class).stream().toList()) {
            String name = p.type().getAnnotation(XmeshPlugin.class).name();
            if (minimal.containsKey(name)) {
                assertThat(p.get().create(minimal.get(name))).as(name).isNotNull();
            }
        }
    }

    @Test
    void everyFilterExportsNamedCountersStartingAtZero() {
        Map<String, List<String>> expected = Map.of(
                "rate-limit", List.of("allowed", "limited"),
                "fault", List.of("aborted", "delayed", "delays_skipped"),
                "tracing", List.of("continued", "generated", "not_propagated", "untraced"),
                "access-log", List.of("enqueued", "dropped", "written", "write_errors"));
        Map<String, Map<String, Object>> minimal = Map.of(
                "rate-limit", Map.of("rate", 10),
                "fault", Map.of("abort", Map.of("percent", 1)),
                "tracing", Map.of(),
                "access-log", Map.of());
        for (ServiceLoader.Provider<StreamFilterFactory> p : ServiceLoader.load(StreamFilterFactory.class).stream().toList()) {
            String name = p.type().getAnnotation(XmeshPlugin.class).name();
            if (!expected.containsKey(name)) {
                continue;
            }
            var counters = p.get().create(minimal.get(name)).counters();
            assertThat(counters.keySet()).as(name).containsExactlyInAnyOrderElementsOf(expected.get(name));
            counters.forEach((k, v) -> {
                assertThat(k).matches("[a-z0-9_]+");
                assertThat(v.getAsLong()).isZero();
            });
        }
    }

    @Test
    void noStaticInitializersOnPluginsAndNoStaticMutableState() {
        // only this module's production classes (scanning the whole class path for the package is slow)
        Path location;
        try {
            location = Path.of(RateLimitFilterFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(location);
        assertThat(classes).isNotEmpty();
        List<String> withInit = classes.stream()
                .filter(c -> c.isAnnotatedWith(XmeshPlugin.class) && c.getStaticInitializer().isPresent())
                .map(c -> c.getName()).toList();
        assertThat(withInit).isEmpty();
        List<String> mutable = classes.stream().flatMap(c -> c.getFields().stream())
                .filter(f -> f.getModifiers().contains(JavaModifier.STATIC) && !f.getModifiers().contains(JavaModifier.FINAL)
                        && !f.getModifiers().contains(JavaModifier.SYNTHETIC))
                .map(f -> f.getFullName()).toList();
        assertThat(mutable).isEmpty();
        noClasses().that().resideInAPackage("io.xmesh.filters..")
                .should().dependOnClassesThat().resideInAnyPackage("io.xmesh.bootstrap..", "io.xmesh.codec..",
                        "io.xmesh.registry..")
                .check(classes);
    }
}
