package io.xmesh.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads golden test vectors written as annotated hex, so that a frame can be documented byte by
 * byte next to its specification:
 * <pre>
 * # xrpc request, id 7: demo.Echo/echo("hi")
 * [request]
 * 58 52          # magic 'XR'
 * 01             # version
 * 01             # flags: REQUEST
 * 0000000000000007  # request id
 * </pre>
 * <ul>
 *   <li>{@code #} starts a comment that runs to the end of the line;</li>
 *   <li>hex digits come in whitespace-separated tokens of an even number of digits
 *       ({@code 58 52}, {@code 5852} and {@code 0000000000000007} are all fine), either case;</li>
 *   <li>a line {@code [name]} starts a named vector (see {@link #parseSections}); bytes before the
 *       first section belong to the vector named {@code ""};</li>
 *   <li>lines in {@code hexdump -C} style ({@code 0010  05 32 2e 30 ...  |.2.0|}) are read too:
 *       the offset and the ASCII column are skipped (so a {@code #} there is not a comment).</li>
 * </ul>
 * Anything else is an {@link IllegalArgumentException} that names the line.
 *
 * <p>Stateless and thread-safe.
 */
public final class HexVectors {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();
    /** A {@code hexdump -C} line: offset, 1 to 16 bytes, ASCII column between bars. */
    private static final java.util.regex.Pattern HEXDUMP_LINE = java.util.regex.Pattern.compile(
            "^\\s*[0-9a-fA-F]{4,8}((?:\\s+[0-9a-fA-F]{2}){1,16})\\s+\\|.{1,16}\\|\\s*$");

    private HexVectors() {
    }

    /**
     * Parses a text holding one vector (no {@code [name]} lines).
     *
     * @throws IllegalArgumentException on malformed hex or a section header
     */
    public static byte[] parse(CharSequence text) {
        Map<String, byte[]> sections = parseSections(text);
        if (sections.size() != 1 || !sections.containsKey("")) {
            throw new IllegalArgumentException("expected one unnamed hex vector, found sections " + sections.keySet());
        }
        return sections.get("");
    }

    /**
     * Parses a text holding named vectors, in file order. A section may be empty (zero bytes);
     * the same name twice is an error.
     *
     * @throws IllegalArgumentException on malformed hex or a repeated section name
     */
    public static Map<String, byte[]> parseSections(CharSequence text) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        String current = "";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean sawContent = false;
        String[] lines = text.toString().split("\r\n|\r|\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            java.util.regex.Matcher dump = HEXDUMP_LINE.matcher(line);
            if (dump.matches()) {
                line = dump.group(1);
            }
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new IllegalArgumentException("line " + (n + 1) + ": bad section header '" + line + "'");
                }
                if (sawContent || !current.isEmpty()) {
                    put(result, current, out.toByteArray(), n);
                }
                current = line.substring(1, line.length() - 1).strip();
                out.reset();
                sawContent = false;
                continue;
            }
            for (String token : line.split("\\s+")) {
                if (token.length() % 2 != 0) {
                    throw new IllegalArgumentException("line " + (n + 1) + ": odd number of hex digits in '" + token + "'");
                }
                for (int i = 0; i < token.length(); i += 2) {
                    out.write(digit(token.charAt(i), n) << 4 | digit(token.charAt(i + 1), n));
                }
                sawContent = true;
            }
        }
        if (sawContent || !current.isEmpty() || result.isEmpty()) {
            put(result, current, out.toByteArray(), lines.length);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Reads one vector from a classpath resource, resolved like {@link Class#getResourceAsStream}
     * (a name without a leading {@code /} is relative to {@code anchor}'s package).
     *
     * @throws IllegalArgumentException if the resource is missing or malformed
     */
    public static byte[] resource(Class<?> anchor, String name) {
        try {
            return parse(read(anchor, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** Reads named vectors from a classpath resource; see {@link #resource} and {@link #parseSections}. */
    public static Map<String, byte[]> resourceSections(Class<?> anchor, String name) {
        try {
            return parseSections(read(anchor, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** Lower-case hex of {@code bytes}, two digits per byte, a space between bytes (for messages). */
    public static String toHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(DIGITS[(bytes[i] >> 4) & 0xf]).append(DIGITS[bytes[i] & 0xf]);
        }
        return sb.toString();
    }

    private static String read(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name + " next to " + anchor.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(Map<String, byte[]> result, String name, byte[] bytes, int line) {
        if (result.putIfAbsent(name, bytes) != null) {
            throw new IllegalArgumentException("line " + (line + 1) + ": section [" + name + "] appears twice");
        }
    }

    private static int digit(char c, int line) {
        int d = Character.digit(c, 16);
        if (d < 0) {
            throw new IllegalArgumentException("line " + (line + 1) + ": '" + c + "' is not a hex digit");
        }
        return d;
    }
}
