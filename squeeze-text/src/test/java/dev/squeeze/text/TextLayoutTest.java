package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TextLayoutTest {
    private static String piece(TextLayout l, int p) {
        return l.text.substring(l.start[p], l.end[p]);
    }

    @Test
    void splitsWordsNumbersIdsUrlsAndSentences() {
        TextLayout l = TextLayout.scan(
                "Pay $1,250.75 to ab-12 now. See https://x.org/a, then stop!\nNext line", ForcedContent.none());
        String[] expect = {
            "Pay",
            "$",
            "1,250.75",
            "to",
            "ab-12",
            "now",
            ".",
            "See",
            "https://x.org/a",
            ",",
            "then",
            "stop",
            "!",
            "Next",
            "line"
        };
        assertEquals(expect.length, l.pieces);
        for (int i = 0; i < expect.length; i++) assertEquals(expect[i], piece(l, i));
        assertTrue((l.flags[2] & TextLayout.NUMBER) != 0);
        assertTrue((l.flags[4] & TextLayout.ID) != 0);
        assertEquals(TextLayout.URL, l.kind[8]);
        assertEquals(3, l.units, "two sentences then a new line");
        assertEquals(1, l.paragraphs);
        assertEquals(l.terms.intern("PAY", 0, 3), l.term[0], "terms are lower-cased");
    }

    @Test
    void hardWrappedProseStaysOneSentenceButStructuredLinesBreak() {
        TextLayout l = TextLayout.scan(
                "This sentence is wrapped\nover two lines. Next one.\n- item\n# Head\nlower start",
                ForcedContent.none());
        // units: "This ... lines." | "Next one." | "- item" | "# Head" | "lower start"
        assertEquals(5, l.units);
        assertEquals("This", piece(l, l.unitFirst[0]));
        assertEquals(".", piece(l, l.unitEnd[0] - 1));
        assertEquals(TextLayout.UNIT_HEADING, l.unitKind[3]);
    }

    @Test
    void renderKeepsOriginalSeparatorsAndBreaks() {
        TextLayout l = TextLayout.scan("a b\n\nc d\ne f", ForcedContent.none());
        boolean[] keep = {true, false, false, true, true, false};
        assertEquals("a\n\nd\ne", LexicalCompressor.render(l, keep));
    }

    @Test
    void rankDescendingBreaksTiesByIndex() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, LexicalCompressor.rankDescending(new float[] {0.5f, 2f, -1f, 2f}, 4));
        assertEquals(2, LexicalCompressor.upperIndex(new double[] {0, 1, 3, 6}, 5.5));
        assertEquals(0, LexicalCompressor.upperIndex(new double[] {0, 1, 3, 6}, -1));
    }
}
