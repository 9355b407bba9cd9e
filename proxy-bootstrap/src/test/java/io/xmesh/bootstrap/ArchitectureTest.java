package io.xmesh.bootstrap;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.xmesh.xprotocol.plugin.XmeshPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The architecture rules of ../shared/ARCHITECTURE.md, checked on the production classes of every
 * module on this module's test class path (the built-in plugins are runtime dependencies).
 */
class ArchitectureTest {

    /** Root package of each plugin module. Plugins never depend on each other or on the bootstrap. */
    static final List<String> PLUGIN_PACKAGES = List.of(
            "io.xmesh.codec.dubbo", "io.xmesh.codec.http", "io.xmesh.registry.zookeeper", "io.xmesh.filters");

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // production classes of every io.xmesh module on the test class path (jars or class folders)
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.xmesh");
    }

    @Test
    void apiDependsOnlyOnJdkAndNettyBufferTransportCommon() {
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("io.xmesh.xprotocol"))).isNotEmpty();
        classes().that().resideInAPackage("io.xmesh.xprotocol..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "java..", "io.xmesh.xprotocol..",
                        "io.netty.buffer..", "io.netty.util..", "io.netty.channel..")
                .because("the API is the only thing every plugin sees; it must stay minimal")
                .check(classes);
    }

    @Test
    void pluginsDoNotDependOnEachOtherNorOnTheBootstrap() {
        for (String plugin : PLUGIN_PACKAGES) {
            for (String other : PLUGIN_PACKAGES) {
                if (!other.equals(plugin)) {
                    noClasses().that().resideInAPackage(plugin + "..")
                            .should().dependOnClassesThat().resideInAPackage(other + "..")
                            .allowEmptyShould(true)
                            .check(classes);
                }
            }
            noClasses().that().resideInAPackage(plugin + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.xmesh.bootstrap..")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void bootstrapDoesNotCompileAgainstPlugins() {
        for (String plugin : PLUGIN_PACKAGES) {
            noClasses().that().resideInAPackage("io.xmesh.bootstrap..")
                    .should().dependOnClassesThat().resideInAPackage(plugin + "..")
                    .because("the engine sees plugins only through the SPI")
                    .check(classes);
        }
    }

    @Test
    void pluginClassesHaveNoStaticInitializer() {
        classes().that().areAnnotatedWith(XmeshPlugin.class)
                .should(haveNoStaticInitializer())
                .because("discovery must not run plugin code, and construction order must not depend on class loading")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void pluginModulesHaveNoStaticMutableFields() {
        for (String plugin : PLUGIN_PACKAGES) {
            noClasses().that().resideInAPackage(plugin + "..")
                    .should(haveStaticMutableField())
                    .because("global state in plugins recreates dubbo-go's init() problem")
                    .allowEmptyShould(true)
                    .check(classes);
        }
        noClasses().that().areAnnotatedWith(XmeshPlugin.class)
                .should(haveStaticMutableField())
                .allowEmptyShould(true)
                .check(classes);
    }

    /** The rules can fail: the deliberately bad test plugin breaks the static initializer rule. */
    @Test
    void staticInitializerRuleCatchesTheBadTestPlugin() {
        JavaClasses probe = new ClassFileImporter().importPackages("io.xmesh.bootstrap.plugin.probe");
        assertThatThrownBy(() -> classes().that().areAnnotatedWith(XmeshPlugin.class)
                .should(haveNoStaticInitializer()).check(probe))
                .isInstanceOf(AssertionError.class).hasMessageContaining("StaticInitProbe has a static initializer");
    }

    private static ArchCondition<JavaClass> haveNoStaticInitializer() {
        return new ArchCondition<>("have no static initializer") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (item.getStaticInitializer().isPresent()) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " has a static initializer"));
                }
            }
        };
    }

    private static ArchCondition<JavaClass> haveStaticMutableField() {
        return new ArchCondition<>("have a static non-final field") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                item.getFields().stream()
                        .filter(f -> f.getModifiers().contains(JavaModifier.STATIC)
                                && !f.getModifiers().contains(JavaModifier.FINAL)
                                && !f.getModifiers().contains(JavaModifier.SYNTHETIC))
                        .forEach(f -> events.add(SimpleConditionEvent.satisfied(item, f.getFullName() + " is static and not final")));
            }
        };
    }

}
