package io.xmesh.bootstrap.plugin;

import io.xmesh.xprotocol.plugin.PluginKind;
import io.xmesh.xprotocol.plugin.XmeshPlugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every plugin xmesh found, in a defined order, and the one place where plugins are constructed.
 *
 * <h2>Discovery</h2>
 * For each {@link PluginKind}, providers are listed with {@link ServiceLoader#stream()} from
 * <ol>
 *   <li>the proxy's class path, and</li>
 *   <li>each folder {@code plugins/<folder>/}: its jars get a class loader of their own whose
 *       parent exposes only the xmesh API, Netty and SLF4J ({@link ApiOnlyClassLoader}).</li>
 * </ol>
 * Name and order come from the provider's {@link XmeshPlugin} annotation, read from
 * {@link ServiceLoader.Provider#type()}, which loads the class without initialising it: listing
 * plugins runs no plugin code. Providers are sorted by (order, name) — never by class path
 * position — and a name used twice within a kind is an error naming both classes and both
 * sources, unless {@code choices} maps {@code "<kind>:<name>"} to the class to use.
 *
 * <h2>Construction</h2>
 * {@link #instance} constructs a provider on first use, once, and caches it; nothing is
 * constructed that is not asked for. The bootstrap asks in the configured order, off the event
 * loops. Thread-safe.
 */
public final class PluginCatalog {

    private static final Pattern NAME = Pattern.compile(XmeshPlugin.NAME_PATTERN);
    private static final Comparator<Entry> ORDER = Comparator
            .comparing((Entry e) -> e.descriptor.kind())
            .thenComparingInt(e -> e.descriptor.order())
            .thenComparing(e -> e.descriptor.name());

    private final List<Entry> entries;
    private final Map<String, Entry> byKey;
    private final Map<String, Object> instances = new ConcurrentHashMap<>();
    private final List<URLClassLoader> pluginLoaders;

    private PluginCatalog(List<Entry> entries, List<URLClassLoader> pluginLoaders) {
        this.entries = List.copyOf(entries);
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            map.put(key(e.descriptor.kind(), e.descriptor.name()), e);
        }
        this.byKey = Collections.unmodifiableMap(map);
        this.pluginLoaders = List.copyOf(pluginLoaders);
    }

    /**
     * Lists the plugins visible from {@code classPath} and from {@code pluginsDir}. Constructs nothing.
     *
     * @param classPath  loader of the proxy's class path (providers there are found too)
     * @param pluginsDir folder whose sub-folders hold plugin jars, or null / missing for none
     * @param choices    {@code "<kind>:<name>" -> class name} resolving duplicate names; may be empty
     * @throws PluginConflictException on a duplicate name without a choice, a provider without
     *                                 {@link XmeshPlugin}, or an invalid name
     */
    public static PluginCatalog discover(ClassLoader classPath, Path pluginsDir, Map<String, String> choices) {
        Objects.requireNonNull(classPath, "classPath");
        Objects.requireNonNull(choices, "choices");
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(classPath);
        List<URLClassLoader> pluginLoaders = pluginFolderLoaders(classPath, pluginsDir);
        loaders.addAll(pluginLoaders);

        Map<String, List<Entry>> found = new TreeMap<>();
        for (PluginKind kind : PluginKind.values()) {
            for (ClassLoader loader : loaders) {
                for (ServiceLoader.Provider<?> provider : providers(kind, loader)) {
                    Entry entry = describe(kind, provider);
                    found.computeIfAbsent(key(kind, entry.descriptor.name()), k -> new ArrayList<>()).add(entry);
                }
            }
        }

        List<Entry> selected = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> group : found.entrySet()) {
            selected.add(select(group.getKey(), group.getValue(), choices));
        }
        for (String choiceKey : choices.keySet()) {
            if (!found.containsKey(choiceKey)) {
                throw new PluginConflictException("plugin choice '" + choiceKey + "' names no discovered plugin");
            }
        }
        selected.sort(ORDER);
        return new PluginCatalog(selected, pluginLoaders);
    }

    /** Every selected plugin, sorted by kind, order, name. */
    public List<PluginDescriptor> plugins() {
        return entries.stream().map(e -> e.descriptor).toList();
    }

    /** The selected plugins of one kind, sorted by order, then name. */
    public List<PluginDescriptor> plugins(PluginKind kind) {
        return entries.stream().map(e -> e.descriptor).filter(d -> d.kind() == kind).toList();
    }

    /** Whether a plugin of that kind and name exists. */
    public boolean contains(PluginKind kind, String name) {
        return byKey.containsKey(key(kind, name));
    }

    /**
     * The plugin's single instance, constructed on first call with its no-argument constructor.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public <T> T instance(PluginKind kind, String name, Class<T> type) {
        Entry entry = byKey.get(key(kind, name));
        if (entry == null) {
            throw new IllegalArgumentException("unknown " + kind.label() + " plugin '" + name + "'; known: "
                    + String.join(", ", plugins(kind).stream().map(PluginDescriptor::name).toList()));
        }
        Object instance = instances.computeIfAbsent(key(kind, name), k -> construct(entry));
        return type.cast(instance);
    }

    /** How many plugins have been constructed so far (for tests and diagnostics). */
    public int constructedCount() {
        return instances.size();
    }

    /** Closes the plugin folders' class loaders. Plugins must not be used afterwards. */
    public void close() {
        for (URLClassLoader loader : pluginLoaders) {
            try {
                loader.close();
            } catch (IOException e) {
                // Nothing to recover: the loader's jars stay open until exit.
            }
        }
    }

    private static Object construct(Entry entry) {
        try {
            return entry.provider.get();
        } catch (ServiceConfigurationError e) {
            throw new PluginConflictException("cannot construct " + entry.descriptor.kind().label() + " plugin '"
                    + entry.descriptor.name() + "' (" + entry.descriptor.className() + " from "
                    + entry.descriptor.source() + "): " + e.getMessage());
        }
    }

    private static Entry select(String key, List<Entry> candidates, Map<String, String> choices) {
        String chosen = choices.get(key);
        if (chosen != null) {
            return candidates.stream().filter(e -> e.descriptor.className().equals(chosen)).findFirst()
                    .orElseThrow(() -> new PluginConflictException("plugin choice '" + key + "' names class "
                            + chosen + ", which is none of: " + describeAll(candidates)));
        }
        if (candidates.size() > 1) {
            PluginDescriptor first = candidates.get(0).descriptor;
            throw new PluginConflictException("duplicate " + first.kind().label() + " plugin name '" + first.name()
                    + "': " + describeAll(candidates) + ". Remove one, or choose one in the configuration with "
                    + "plugins.choose: {\"" + key + "\": <class name>}");
        }
        return candidates.get(0);
    }

    private static String describeAll(List<Entry> candidates) {
        return String.join(" and ", candidates.stream()
                .map(e -> e.descriptor.className() + " (from " + e.descriptor.source() + ")")
                .sorted().toList());
    }

    private static List<? extends ServiceLoader.Provider<?>> providers(PluginKind kind, ClassLoader loader) {
        try {
            return ServiceLoader.load(kind.spi(), loader).stream()
                    // a plugin folder's loader sees only its own service files; the class path's
                    // loader may see the plugin API's own providers from several loaders: keep
                    // the providers defined by this loader or its class path
                    .filter(p -> !(loader instanceof PluginFolderLoader) || p.type().getClassLoader() == loader)
                    .toList();
        } catch (ServiceConfigurationError e) {
            throw new PluginConflictException("broken " + kind.label() + " plugin listing in "
                    + "META-INF/services/" + kind.spi().getName() + ": " + e.getMessage());
        }
    }

    private static Entry describe(PluginKind kind, ServiceLoader.Provider<?> provider) {
        Class<?> type;
        try {
            type = provider.type(); // loaded, not initialised
        } catch (ServiceConfigurationError e) {
            throw new PluginConflictException("cannot load " + kind.label() + " plugin: " + e.getMessage());
        }
        String source = sourceOf(type);
        XmeshPlugin identity = type.getAnnotation(XmeshPlugin.class);
        if (identity == null) {
            throw new PluginConflictException(kind.label() + " plugin class " + type.getName() + " (from " + source
                    + ") has no @" + XmeshPlugin.class.getSimpleName() + " annotation");
        }
        if (!NAME.matcher(identity.name()).matches()) {
            throw new PluginConflictException(kind.label() + " plugin class " + type.getName() + " (from " + source
                    + ") has invalid name '" + identity.name() + "'; names match " + XmeshPlugin.NAME_PATTERN);
        }
        return new Entry(new PluginDescriptor(kind, identity.name(), identity.order(), type.getName(), source,
                identity.description()), provider);
    }

    static String sourceOf(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "<unknown>";
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (Exception e) {
            return cs.getLocation().toString();
        }
    }

    private static List<URLClassLoader> pluginFolderLoaders(ClassLoader classPath, Path pluginsDir) {
        if (pluginsDir == null || !Files.isDirectory(pluginsDir)) {
            return List.of();
        }
        ApiOnlyClassLoader parent = new ApiOnlyClassLoader(classPath);
        List<URLClassLoader> loaders = new ArrayList<>();
        try (Stream<Path> folders = Files.list(pluginsDir)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                List<URL> jars = new ArrayList<>();
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                        jars.add(toUrl(jar));
                    }
                }
                if (!jars.isEmpty()) {
                    loaders.add(new PluginFolderLoader(folder.getFileName().toString(), jars.toArray(URL[]::new), parent));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin folder " + pluginsDir, e);
        }
        return loaders;
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String key(PluginKind kind, String name) {
        return kind.label() + ":" + name;
    }

    /** Class loader of one {@code plugins/<folder>/}. */
    static final class PluginFolderLoader extends URLClassLoader {
        PluginFolderLoader(String folder, URL[] jars, ClassLoader parent) {
            super("plugin-" + folder, jars, parent);
        }
    }

    private record Entry(PluginDescriptor descriptor, ServiceLoader.Provider<?> provider) {
    }
}
