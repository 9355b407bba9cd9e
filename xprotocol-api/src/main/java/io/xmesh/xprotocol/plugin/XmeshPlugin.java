package io.xmesh.xprotocol.plugin;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Identity of a plugin provider class: its name and its order.
 *
 * <p>Every class listed in a {@code META-INF/services/} file for one of the xmesh SPIs
 * ({@link PluginKind}) must carry this annotation. The bootstrap reads it from the provider
 * <em>type</em> ({@code ServiceLoader.Provider#type()}) without initialising the class, so
 * listing plugins never runs a plugin's static initializer.
 *
 * <h2>Ordering</h2>
 * Providers of one kind are sorted by {@link #order()} ascending, then by {@link #name()};
 * never by classpath position. Two providers of the same kind with the same name stop startup
 * with an error naming both classes and both jars, unless the configuration names the class
 * to use.
 *
 * <h2>Construction</h2>
 * The bootstrap constructs each selected provider once, with its public no-argument
 * constructor, in that order. Constructors must have no side effects (no threads, sockets,
 * global registration or static state); work starts in an explicit lifecycle call of the SPI.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface XmeshPlugin {

    /** Pattern every plugin name must match. */
    String NAME_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*";

    /**
     * The plugin's name, unique within its {@link PluginKind}, matching {@link #NAME_PATTERN}.
     * For a protocol it is the protocol name used in configuration ({@code dubbo}, {@code http});
     * for a registry it is the URI scheme ({@code zookeeper}).
     */
    String name();

    /** Sort key; lower comes first. Ties are broken by {@link #name()}. */
    int order() default 1000;

    /** One line shown by {@code xmesh plugins}. */
    String description() default "";
}
