package io.xmesh.codec.dubbo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Golden frames captured from real Apache Dubbo 3.3.6, stored as annotated hex in
 * {@code src/test/resources/golden/*.hex}:
 * <pre>
 *  # free text (what was called, how it was captured, the header decoded)
 *  # expect: service=interop.GreetingService      (what the codec must report; "&lt;null&gt;" = absent)
 *  0000  da bb c2 00 30 9f 77 01 f4 20 dd c2 00 00 00 c9  |....0.w.. ......|
 * </pre>
 * A data line is an offset, up to 16 hex bytes, and an ASCII column after '|'.
 */
final class GoldenVectors {
    /** One golden frame. */
    record Golden(String name, byte[] bytes, Map<String, String> expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Every file listed in golden/index.txt. */
    static List<Golden> all() {
        List<Golden> out = new ArrayList<>();
        for (String name : read("golden/index.txt").split("\n")) {
            if (!name.isBlank() && !name.startsWith("#")) {
                out.add(load(name.trim()));
            }
        }
        return out;
    }

    static Golden load(String name) {
        String text = read("golden/" + name);
        StringBuilder hex = new StringBuilder();
        Map<String, String> expect = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# expect: ")) {
                String kv = line.substring("# expect: ".length()).trim();
                int eq = kv.indexOf('=');
                expect.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else if (!line.startsWith("#") && !line.isBlank()) {
                int bar = line.indexOf('|');
                String[] tokens = (bar < 0 ? line : line.substring(0, bar)).trim().split("\\s+");
                for (int i = 1; i < tokens.length; i++) {
                    hex.append(tokens[i]);
                }
            }
        }
        return new Golden(name, HexFormat.of().parseHex(hex), expect);
    }

    private static String read(String resource) {
        try (InputStream in = GoldenVectors.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one golden file. */
    static void write(Path file, String title, byte[] frame, Map<String, String> expect) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(title).append('\n');
        s.append("# Captured from Apache Dubbo 3.3.6 (real consumer -> byte-logging relay -> real provider on 127.0.0.1)\n");
        s.append("# by GoldenCaptureTest; re-capture with: mvn -pl codec-dubbo test -Dtest=GoldenCaptureTest -Dxmesh.capture=true\n");
        ByteBuffer b = ByteBuffer.wrap(frame);
        int flag = frame[2] & 0xff;
        s.append(String.format("# header: magic %02x%02x | flag %02x =%s%s%s%s serialization %d | status %d | id %d | body length %d%n",
                frame[0] & 0xff, frame[1] & 0xff, flag,
                (flag & 0x80) != 0 ? " request" : " response", (flag & 0x40) != 0 ? " two-way" : "",
                (flag & 0x20) != 0 ? " event" : "", "", flag & 0x1f, frame[3] & 0xff, b.getLong(4), b.getInt(12)));
        for (Map.Entry<String, String> e : expect.entrySet()) {
            s.append("# expect: ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        for (int off = 0; off < frame.length; off += 16) {
            s.append(String.format("%04x ", off));
            StringBuilder ascii = new StringBuilder();
            for (int i = off; i < off + 16; i++) {
                if (i < frame.length) {
                    s.append(String.format(" %02x", frame[i] & 0xff));
                    int c = frame[i] & 0xff;
                    ascii.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
                } else {
                    s.append("   ");
                }
            }
            s.append("  |").append(ascii).append("|\n");
        }
        Files.writeString(file, s.toString());
    }
}
