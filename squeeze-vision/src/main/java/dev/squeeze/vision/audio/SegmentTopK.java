package dev.squeeze.vision.audio;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * Segment-wise top-k for audio tokens (a generic baseline without a single source paper; the catalog cites
 * LLMC+, arXiv 2508.09981, the token-reduction benchmark it belongs to): the sequence is split into S contiguous
 * segments of (nearly) equal length and each keeps its top tokens by score, so the kept tokens are spread over
 * time instead of bunching where scores are high. Segment s keeps floor(K / S) tokens, the first K mod S
 * segments one more; a segment shorter than its share keeps all of it and the surplus goes to later segments.
 */
public final class SegmentTopK {
    private SegmentTopK() {}

    public static TokenTransform select(float[] scores, int segments, int keep) {
        int n = scores.length;
        if (segments < 1 || segments > n)
            throw new IllegalArgumentException("segment top-k: segments must be in [1, " + n + "], got " + segments);
        if (keep < 1 || keep > n)
            throw new IllegalArgumentException("segment top-k: keep must be in [1, " + n + "], got " + keep);
        List<Integer> kept = new ArrayList<>();
        int carry = 0;
        for (int s = 0; s < segments; s++) {
            int lo = (int) ((long) s * n / segments), hi = (int) ((long) (s + 1) * n / segments);
            int want = keep / segments + (s < keep % segments ? 1 : 0) + carry;
            int take = Math.min(want, hi - lo);
            carry = want - take;
            if (take == 0) continue;
            float[] seg = java.util.Arrays.copyOfRange(scores, lo, hi);
            for (int i : TopK.topKSorted(seg, take)) kept.add(lo + i);
        }
        if (carry > 0) throw new IllegalStateException("segment top-k could not place " + carry + " tokens");
        return TokenTransform.select(
                n, kept.stream().mapToInt(Integer::intValue).toArray());
    }
}
