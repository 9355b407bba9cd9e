package io.xmesh.bootstrap.plugin;

import io.xmesh.xprotocol.filter.StreamFilterFactory;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds real plugin jars for discovery tests, without loading the classes they contain. */
final class TestJars {

    private TestJars() {
    }

    /** A jar holding the named test classes (read as bytes) and a filter service file listing them. */
    static Path filterPluginJar(Path jar, String... classNames) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String cn : classNames) {
            entries.put(cn.replace('.', '/') + ".class", classBytes(cn));
        }
        entries.put("META-INF/services/" + StreamFilterFactory.class.getName(),
                (String.join("\n", classNames) + "\n").getBytes(StandardCharsets.UTF_8));
        return write(jar, entries);
    }

    /** Writes a jar with the given entries. */
    static Path write(Path jar, Map<String, byte[]> entries) {
        try {
            Files.createDirectories(jar.getParent());
            try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    out.putNextEntry(new JarEntry(e.getKey()));
                    out.write(e.getValue());
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles Java sources (name -> code) against the test class path plus {@code extraClassPath}, and jars them. */
    static Path compileJar(Path jar, Map<String, String> sources, List<Path> extraClassPath, String... serviceLines) {
        try {
            Files.createDirectories(jar.toAbsolutePath().getParent());
            Path work = Files.createTempDirectory(jar.toAbsolutePath().getParent(), "src");
            Path src = work.resolve("src");
            Path out = work.resolve("out");
            Files.createDirectories(out);
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                files.add(file.toString());
            }
            StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
            for (Path p : extraClassPath) {
                cp.append(java.io.File.pathSeparator).append(p);
            }
            List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", cp.toString(), "-proc:none"));
            args.addAll(files);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed: " + rc);
            }
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (Stream<Path> walk = Files.walk(out)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    entries.put(out.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
            for (String line : serviceLines) {
                String[] parts = line.split("=", 2); // spi=impl
                entries.put("META-INF/services/" + parts[0], (parts[1] + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return write(jar, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] classBytes(String className) {
        URL url = TestJars.class.getClassLoader().getResource(className.replace('.', '/') + ".class");
        if (url == null) {
            throw new IllegalArgumentException("no class file for " + className);
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
