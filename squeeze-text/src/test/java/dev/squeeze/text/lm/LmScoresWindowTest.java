package dev.squeeze.text.lm;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LmScoresWindowTest {
    /** A 10-token LM that records what it was asked to score; loss[i] = the token id itself. */
    static final class Recording implements CausalLm {
        int[] last;

        @Override
        public int[] encode(String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(int[] ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public float[] tokenLosses(int[] ids) {
            assertTrue(ids.length <= contextLength(), "over the window: " + ids.length);
            last = ids.clone();
            float[] l = new float[ids.length];
            for (int i = 0; i < l.length; i++) l[i] = ids[i];
            return l;
        }

        @Override
        public int contextLength() {
            return 10;
        }
    }

    @Test
    void questionStaysInViewAndThePrefixLosesItsStart() {
        Recording lm = new Recording();
        float[] l = LmScores.conditional(lm, new int[] {1, 2}, new int[] {3, 4, 5, 6, 7, 8, 9}, new int[] {20, 21, 22});
        assertArrayEquals(new int[] {1, 2, 5, 6, 7, 8, 9, 20, 21, 22}, lm.last);
        assertArrayEquals(new float[] {20, 21, 22}, l);
        // fits: nothing dropped
        LmScores.conditional(lm, new int[] {1}, new int[] {3, 4}, new int[] {20});
        assertArrayEquals(new int[] {1, 3, 4, 20}, lm.last);
        // question + target alone overflow: the end of question + prefix is kept
        LmScores.conditional(lm, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {9}, new int[] {20, 21, 22});
        assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8, 9, 20, 21, 22}, lm.last);
    }
}
