package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Name-recall windows on a word-level tokenizer, where every position can be checked by hand. */
class NameRecallTest {
    /** One token per space-separated word; BOS 1; ids in order of first sight from 3. */
    static final class Words implements Tokenizer {
        final Map<String, Integer> ids = new LinkedHashMap<>();
        final List<String> words = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));

        @Override
        public int vocabSize() {
            return 1 << 20;
        }

        @Override
        public int bos() {
            return 1;
        }

        @Override
        public int eos() {
            return 2;
        }

        @Override
        public int[] encode(String text, boolean addBos) {
            List<Integer> out = new ArrayList<>();
            if (addBos) out.add(1);
            for (String w : text.strip().split("\\s+")) {
                if (w.isEmpty()) continue;
                out.add(ids.computeIfAbsent(w, k -> {
                    words.add(k);
                    return words.size() - 1;
                }));
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public byte[] decodeBytes(int prev, int token) {
            return (" " + words.get(token)).getBytes(StandardCharsets.UTF_8);
        }
    }

    static String filler(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append("w").append(i % 7).append(' ');
        return sb.toString().strip();
    }

    @Test
    void theNameIsRenamedInItsStoryAndOnlyItsRecallsInTheContinuationAreScored() {
        Words tok = new Words();
        // paragraph 0: 20 filler words (stream 0-19); paragraph 1 introduces Pip (stream 20-25); paragraph 2: 5 filler
        // words
        // + "Pip ran and Pip sat" (stream 26-35); paragraph 3 does not mention Pip, so the story ends after paragraph 2
        String text =
                filler(20) + "\n\nthere was a dog named Pip\n\n" + filler(5) + " Pip ran and Pip sat\n\n" + filler(4);
        List<NameRecall.Item> items = NameRecall.items(tok, text, 16, 8, 10, 3);
        assertEquals(1, items.size());
        NameRecall.Item it = items.get(0);
        assertNotEquals("Pip", it.name());
        assertTrue(NameRecall.NAMES.contains(it.name()));
        int id = tok.ids.get(it.name());
        assertFalse(tok.ids.containsKey("Pip"), "Pip is renamed everywhere in its story");
        // the window is BOS + stream 21-35: "was a dog named N w0 w1 | w2 w3 w4 N ran and N sat" (context |
        // continuation)
        int[] ctx = it.window().context(), cont = it.window().continuation();
        assertEquals(8, ctx.length);
        assertEquals(8, cont.length);
        assertEquals(1, ctx[0]);
        assertEquals(id, ctx[5], "the introduction is in the context");
        assertEquals(
                List.of("w2", "w3", "w4", it.name(), "ran", "and", it.name(), "sat"),
                java.util.Arrays.stream(cont).mapToObj(tok.words::get).toList());
        // prediction i targets window[8 + 1 + i]: the name sits at window positions 11 and 14 -> predictions 2 and 5
        boolean[] expected = new boolean[7];
        expected[2] = true;
        expected[5] = true;
        assertArrayEquals(expected, it.scored());
        assertEquals(2, it.count());
    }

    @Test
    void storiesWithoutARecallAfterTheContextAreSkipped() {
        Words tok = new Words();
        String text = filler(20) + "\n\nthere was a dog named Pip and Pip sat\n\n" + filler(12);
        assertTrue(NameRecall.items(tok, text, 16, 8, 10, 3).isEmpty());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NameRecall.items(tok, text, 16, 16, 10, 3));
        assertTrue(e.getMessage().contains("context 16"), e.getMessage());
    }
}
