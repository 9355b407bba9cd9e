package io.xmesh.filters.accesslog;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        Json.appendString(sb, s);
        return sb.toString();
    }

    @Test
    void escapesTheCharactersJsonRequires() {
        assertThat(json(null)).isEqualTo("null");
        assertThat(json("")).isEqualTo("\"\"");
        assertThat(json("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(json("l1\nl2\r\t\b\f")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\"");
        assertThat(json("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
        assertThat(json("a\u2028b\u2029")).isEqualTo("\"a\\u2028b\\u2029\"");
        assertThat(json("/path?x=<script>")).isEqualTo("\"/path?x=<script>\"");
        assertThat(json("caf\u00e9 \ud83d\ude00")).isEqualTo("\"caf\u00e9 \ud83d\ude00\"");
        assertThat(json("lone \ud83d and \ude00")).isEqualTo("\"lone \\ud83d and \\ude00\"");
    }

    @Test
    void anyStringRoundTripsThroughARealParserAndStaysOnOneLine() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 5_000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int j = 0; j < chars.length; j++) {
                int kind = random.nextInt(4);
                chars[j] = switch (kind) {
                    case 0 -> (char) random.nextInt(0x20);
                    case 1 -> (char) random.nextInt(0x20, 0x80);
                    case 2 -> (char) random.nextInt(0xd800, 0xe000); // surrogates, often unpaired
                    default -> (char) random.nextInt(0x80, 0x10000);
                };
            }
            String s = new String(chars);
            String encoded = json(s);
            assertThat(encoded).doesNotContain("\n", "\r", "\u2028", "\u2029");
            String back = mapper.readValue(encoded, String.class);
            assertThat(back).isEqualTo(s);
            // valid UTF-8 text: every surrogate left unescaped is part of a pair
            for (int k = 0; k < encoded.length(); k++) {
                char c = encoded.charAt(k);
                if (Character.isHighSurrogate(c)) {
                    assertThat(Character.isLowSurrogate(encoded.charAt(k + 1))).isTrue();
                    k++;
                } else {
                    assertThat(Character.isLowSurrogate(c)).isFalse();
                }
            }
        }
    }
}
