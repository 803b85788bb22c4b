package dev.squeeze.core.select;

import dev.squeeze.core.Args;
import java.util.Arrays;

/** Top-k and argmax over score vectors. Ties go to the lower index, so results are deterministic. */
public final class TopK {
    private TopK() {}

    /** Index of the largest score (lowest index on ties). */
    public static int argmax(float[] scores) {
        if (scores.length == 0) throw new IllegalArgumentException("argmax of an empty score vector");
        int best = 0;
        for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
        return best;
    }

    /** The k highest-scoring indices, best first. O(N log k) with a bounded heap. */
    public static int[] topKIndices(float[] scores, int k) {
        Args.notNull("scores", scores);
        Args.allFinite("scores", scores);
        int n = scores.length;
        if (k <= 0 || k > n) throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        // min-heap of size k on (score, -index): the root is the current worst of the best k
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, k, scores);
            }
        }
        Integer[] boxed = new Integer[k];
        for (int i = 0; i < k; i++) boxed[i] = heap[i];
        Arrays.sort(boxed, (a, b) -> better(a, b, scores) ? -1 : (better(b, a, scores) ? 1 : 0));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) out[i] = boxed[i];
        return out;
    }

    /** The k highest-scoring indices in ascending index order (original token order kept). */
    public static int[] topKSorted(float[] scores, int k) {
        int[] idx = topKIndices(scores, k);
        Arrays.sort(idx);
        return idx;
    }

    /** Top indices by a budget, in ascending index order. */
    public static int[] select(float[] scores, Budget budget) {
        return topKSorted(scores, budget.resolve(scores.length));
    }

    private static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftUp(int[] h, int i, float[] s) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (better(h[p], h[i], s)) {
                int t = h[p];
                h[p] = h[i];
                h[i] = t;
                i = p;
            } else break;
        }
    }

    private static void siftDown(int[] h, int size, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, w = i;
            if (l < size && better(h[w], h[l], s)) w = l;
            if (r < size && better(h[w], h[r], s)) w = r;
            if (w == i) return;
            int t = h[w];
            h[w] = h[i];
            h[i] = t;
            i = w;
        }
    }
}
