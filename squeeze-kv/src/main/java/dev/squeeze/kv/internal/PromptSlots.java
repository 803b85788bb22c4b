package dev.squeeze.kv.internal;

import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.kv.api.HeadKvStore;

/**
 * Slots of a store around a prompt, for presses that act once the prompt has run (KVzip, GemFilter's spec).
 * A store's entries are in position order (evictions keep order), so a prompt's entries are a suffix.
 */
public final class PromptSlots {
    private PromptSlots() {}

    /** The first slot whose position is at or after {@code position} ({@code length()} when none is). */
    public static int firstAtOrAfter(HeadKvStore st, float position) {
        int f = st.length();
        while (f > 0 && st.position(f - 1) >= position) f--;
        return f;
    }

    /** Keeps the first {@code n} entries (0 empties the store). */
    public static void truncate(HeadKvStore st, int n) {
        if (n < 0 || n > st.length())
            throw new IllegalArgumentException("cannot keep " + n + " of " + st.length() + " entries");
        if (n == st.length()) return;
        if (n == 0) {
            st.clear();
            return;
        }
        int[] keep = new int[n];
        for (int i = 0; i < n; i++) keep[i] = i;
        st.transform(TokenTransform.select(st.length(), keep), PositionMode.REPRESENTATIVE);
    }
}
