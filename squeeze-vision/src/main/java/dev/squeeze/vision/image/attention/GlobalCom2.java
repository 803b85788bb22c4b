package dev.squeeze.vision.image.attention;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GlobalCom² ("Compression with Global Guidance: Towards Training-free High-Resolution MLLMs Acceleration", Liu
 * et al., 2025, arXiv 2501.05179): the thumbnail guides the compression of the AnyRes crops.
 * <ul>
 *   <li>the thumbnail keeps its top R·256 tokens by its own [CLS] attention (R = K / total);</li>
 *   <li>crop j's score s_j = the thumbnail's [CLS] attention summed over crop j's region; its retention ratio is
 *       r_j = R (1 + softmax(s / tau)_j - 1/J), tau = 10 (the reference temperature), clipped to [0, 1];</li>
 *   <li>inside crop j, token score = min-max-normalised own [CLS] attention + min-max-normalised thumbnail
 *       attention upsampled to the crop's grid; top round(r_j · 256) kept.</li>
 * </ul>
 * Rounding leftovers go to (or come from) the crops in order of s_j so that exactly K tokens remain. CCT
 * adaptation: each view's attention-pooling weights are its [CLS] attention.
 */
public final class GlobalCom2 implements AnyResReducer, VisionMethod {
    public static final double TAU = 10.0;

    @Override
    public String name() {
        return "globalcom2";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "Compression with Global Guidance: Towards Training-free High-Resolution MLLMs Acceleration",
                        "Liu et al.",
                        2025,
                        "https://arxiv.org/abs/2501.05179")
                .inputs("anyres-views", "cls-attention-per-view")
                .implementation(GlobalCom2.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(AnyRes in, Budget keepBudget) {
        int per = in.perView();
        int views = in.views();
        int crops = views - 1;
        int total = views * per;
        int keep = Selections.keep(name(), keepBudget, total);
        int grid = (int) Math.round(Math.sqrt(per));
        int side = AnyRes.CROPS_PER_SIDE;
        int region = grid / side;
        double ratio = (double) keep / total;
        float[] thumb = in.poolAttention()[0];
        int thumbKeep = Math.max(1, (int) Math.round(ratio * per));
        double[] s = new double[crops];
        for (int j = 0; j < crops; j++) {
            int cy = j / side, cx = j % side;
            for (int y = 0; y < region; y++)
                for (int x = 0; x < region; x++) s[j] += thumb[(cy * region + y) * grid + cx * region + x];
        }
        double mx = java.util.Arrays.stream(s).max().orElse(0);
        double z = 0;
        double[] sm = new double[crops];
        for (int j = 0; j < crops; j++) {
            sm[j] = Math.exp((s[j] - mx) / TAU);
            z += sm[j];
        }
        int[] budget = new int[crops];
        int used = thumbKeep;
        for (int j = 0; j < crops; j++) {
            double r = Math.min(1.0, Math.max(0.0, ratio * (1 + sm[j] / z - 1.0 / crops)));
            budget[j] = (int) Math.round(r * per);
            used += budget[j];
        }
        int[] byScore = TopK.topKIndices(toFloat(s), crops);
        for (int it = 0; used != keep && it < 100000; it++) {
            int j = used < keep ? byScore[it % crops] : byScore[crops - 1 - (it % crops)];
            if (used < keep && budget[j] < per) {
                budget[j]++;
                used++;
            } else if (used > keep && budget[j] > 0) {
                budget[j]--;
                used--;
            }
        }
        if (used != keep) throw new IllegalStateException("globalcom2: could not distribute " + keep + " tokens");
        List<Integer> kept = new ArrayList<>();
        for (int t : TopK.topKIndices(thumb, thumbKeep)) kept.add(t);
        for (int j = 0; j < crops; j++) {
            if (budget[j] == 0) continue;
            int cy = j / side, cx = j % side;
            float[] up = new float[per];
            for (int y = 0; y < grid; y++) {
                for (int x = 0; x < grid; x++) {
                    up[y * grid + x] = thumb[(cy * region + y / side) * grid + cx * region + x / side];
                }
            }
            float[] own = Selections.minMax(in.poolAttention()[j + 1]);
            float[] g = Selections.minMax(up);
            float[] score = new float[per];
            for (int i = 0; i < per; i++) score[i] = own[i] + g[i];
            for (int t : TopK.topKIndices(score, budget[j])) kept.add((j + 1) * per + t);
        }
        return Selections.keepSorted(
                total, kept.stream().mapToInt(Integer::intValue).toArray());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
