package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Blocked prompt attention against the direct per-query computation (scores, causal softmax, weighted values). */
class PromptAttentionTest {

    @Test
    void matchesTheDirectComputation() {
        SplittableRandom r = new SplittableRandom(2);
        int hd = 16, heads = 6, G = 3, h0 = 3, qd = heads * hd;
        PromptAttention pa = new PromptAttention();
        for (int[] shape : new int[][] {{5, 7}, {0, 70}, {9, 13}}) { // (before, T): few-token and packed paths
            int before = shape[0], T = shape[1], n = before + T;
            float[] k = new float[n * hd], v = new float[n * hd], q = new float[T * qd];
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) r.nextGaussian();
                v[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < q.length; i++) q[i] = (float) r.nextGaussian();
            float scale = 0.25f;
            float[] out = new float[T * qd];
            java.util.Arrays.fill(out, 9f);
            pa.attend(k, v, n, before, q, qd, h0, G, hd, T, scale, out);
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < heads; h++) {
                    for (int d = 0; d < hd; d++) {
                        int at = t * qd + h * hd + d;
                        if (h < h0 || h >= h0 + G) {
                            assertEquals(9f, out[at], "other heads untouched");
                            continue;
                        }
                        int visible = before + t + 1;
                        double[] s = new double[visible];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j < visible; j++) {
                            for (int e = 0; e < hd; e++) s[j] += q[t * qd + h * hd + e] * k[j * hd + e];
                            s[j] *= scale;
                            max = Math.max(max, s[j]);
                        }
                        double want = 0;
                        for (int j = 0; j < visible; j++) sum += Math.exp(s[j] - max);
                        for (int j = 0; j < visible; j++) want += Math.exp(s[j] - max) / sum * v[j * hd + d];
                        assertEquals(
                                want,
                                out[at],
                                1e-4,
                                "before " + before + ", T " + T + ", query " + t + ", head " + h + ", dim " + d);
                    }
                }
            }
        }
    }
}
