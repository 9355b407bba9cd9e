package io.xmesh.testkit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HexVectorsTest {

    @Test
    void parsesCommentsAndMixedTokenWidths() {
        byte[] b = HexVectors.parse("# header\n58 52   # magic\n01\tFF\n0000000000000007 # id\n\n");
        assertThat(b).containsExactly(0x58, 0x52, 0x01, 0xff, 0, 0, 0, 0, 0, 0, 0, 7);
    }

    @Test
    void parsesNamedSectionsInOrder() {
        Map<String, byte[]> m = HexVectors.parseSections("[b]\n01 02\n# c is empty\n[c]\n[a]\nff");
        assertThat(m.keySet()).containsExactly("b", "c", "a");
        assertThat(m.get("b")).containsExactly(1, 2);
        assertThat(m.get("c")).isEmpty();
        assertThat(m.get("a")).containsExactly(0xff);
    }

    @Test
    void rejectsOddDigitsBadCharactersAndRepeatedSections() {
        assertThatThrownBy(() -> HexVectors.parse("01\n123")).hasMessageContaining("line 2").hasMessageContaining("odd");
        assertThatThrownBy(() -> HexVectors.parse("0g")).hasMessageContaining("'g' is not a hex digit");
        assertThatThrownBy(() -> HexVectors.parseSections("[a]\n01\n[a]\n02")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> HexVectors.parse("[a]\n01")).hasMessageContaining("one unnamed");
    }

    @Test
    void readsHexdumpStyleLinesSkippingOffsetAndAsciiColumn() {
        byte[] b = HexVectors.parse("# capture\n0000  da bb 23 00  |..#.|\n0004  41 42              |AB|\n05 # plain\n");
        assertThat(b).containsExactly(0xda, 0xbb, 0x23, 0x00, 0x41, 0x42, 0x05);
    }

    @Test
    void readsResourcesAndFormatsHex() {
        Map<String, byte[]> m = HexVectors.resourceSections(HexVectorsTest.class, "toy/toy-vectors.hex");
        assertThat(HexVectors.toHex(m.get("heartbeat"))).isEqualTo("54 59 04 00 00 00 09 00 00 00 00 00 00");
        assertThatThrownBy(() -> HexVectors.resource(HexVectorsTest.class, "missing.hex")).hasMessageContaining("no resource");
    }
}
