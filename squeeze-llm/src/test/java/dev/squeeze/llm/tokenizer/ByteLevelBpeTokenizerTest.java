package dev.squeeze.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLevelBpeTokenizerTest {

    static ByteLevelBpeTokenizer tiny() {
        List<String> vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) vocab.add(String.valueOf(ByteLevelBpeTokenizer.byteChar(b)));
        // 256.. merged symbols; Ġ is the byte-level space
        String[] merged = {"he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "ld", "Ġworld", "<|bos|>"};
        for (String m : merged) vocab.add(m);
        String[] merges = {"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"};
        boolean[] special = new boolean[vocab.size()];
        special[vocab.size() - 1] = true;
        return new ByteLevelBpeTokenizer(
                vocab.toArray(new String[0]),
                merges,
                special,
                vocab.size() - 1,
                -1,
                ByteLevelBpeTokenizer.LLAMA3_PATTERN);
    }

    @Test
    void mergesByRankAndRoundTrips() {
        ByteLevelBpeTokenizer t = tiny();
        assertEquals('Ġ', ByteLevelBpeTokenizer.byteChar(' '));
        assertEquals('a', ByteLevelBpeTokenizer.byteChar('a'));
        int[] ids = t.encode("hello world", true);
        // BOS, "hello" (259), "Ġworld" (264)
        assertArrayEquals(new int[] {265, 259, 264}, ids);
        assertEquals("hello world", t.decode(ids));
        // "helo": h e -> he, then no "he l"; l, o stay bytes
        assertArrayEquals(new int[] {256, 'l', 'o'}, t.encode("helo", false));
        // non-ASCII goes through bytes: é = C3 A9
        int[] e = t.encode("é", false);
        assertEquals(2, e.length);
        assertEquals("é", t.decode(e));
    }

    @Test
    void controlTokensInTheTextEncodeToTheirIds() {
        ByteLevelBpeTokenizer t = tiny();
        assertArrayEquals(new int[] {265, 259, 264, 265}, t.encode("<|bos|>hello world<|bos|>", false));
        assertEquals("hello world", t.decode(new int[] {265, 259, 264, 265}));
    }

    @Test
    void llama3PatternGroupsDigitsByThree() {
        ByteLevelBpeTokenizer t = tiny();
        int[] ids = t.encode("12345", false);
        assertEquals(5, ids.length);
        assertEquals("12345", t.decode(ids));
    }
}
