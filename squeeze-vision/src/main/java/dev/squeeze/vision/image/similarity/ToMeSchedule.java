package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.model.HookContext;
import dev.squeeze.vision.model.Reducer;

/**
 * ToMe inside every block ("Token Merging: Your ViT But Faster", Bolya et al., ICLR 2023, arXiv 2210.09461),
 * with core {@link BipartiteSoftMatching}: between attention and MLP of block l, the r_l most similar A->B
 * pairs (metric = this block's keys averaged over heads, cosine) are merged by size-weighted average; the
 * model then applies proportional attention (ln s added to logits) in later blocks and in the pooling.
 *
 * <p>Schedules reach K tokens after the 4 blocks: {@link Schedule#CONSTANT} merges r = ceil(remaining /
 * blocks left) per block (ToMe's default constant r), {@link Schedule#LINEAR} a linearly decreasing r_l
 * proportional to (L - l) (ToMe's "decreasing schedule"). r_l never exceeds floor(N_l / 2) (one bipartite
 * round); when that cap leaves tokens over K after the last block (constant schedule at K = 12.5%), extra
 * rounds run before the head on the final tokens (a deviation, logged in the catalog notes). No [CLS] is
 * protected: CCT has none.
 */
public final class ToMeSchedule implements CctMethod {
    public enum Schedule { CONSTANT, LINEAR }

    private final Schedule schedule;

    public ToMeSchedule(Schedule schedule) { this.schedule = schedule; }

    @Override
    public String name() { return schedule == Schedule.CONSTANT ? "tome" : "tome-linear"; }

    /** Merges this block makes to go from n tokens towards keep with {@code blocksLeft} blocks (this one included). */
    public static int mergesFor(Schedule s, int n, int keep, int layer, int blocks) {
        int remaining = n - keep;
        if (remaining <= 0) return 0;
        int left = blocks - layer;
        int r;
        if (s == Schedule.CONSTANT) {
            r = (remaining + left - 1) / left;
        } else {
            int wsum = left * (left + 1) / 2;
            r = (int) Math.ceil((double) remaining * left / wsum);
        }
        return Math.min(r, Math.min(remaining, n / 2));
    }

    @Override
    public Reducer reducer(int keep) {
        return new Reducer() {
            @Override
            public TokenTransform insideBlock(HookContext ctx) {
                int n = ctx.size();
                int r = mergesFor(schedule, n, keep, ctx.layer(), dev.squeeze.vision.model.CctModel.BLOCKS);
                if (r == 0) return null;
                return BipartiteSoftMatching.merge(ctx.last().headMeanKeys(), ctx.tokens().sizes(), r, false);
            }

            @Override
            public TokenTransform beforeBlock(HookContext ctx) {
                if (ctx.layer() != dev.squeeze.vision.model.CctModel.BLOCKS || ctx.size() <= keep) return null;
                TokenTransform t = null;
                FloatMatrix x = ctx.tokens().tokens();
                float[] sizes = ctx.tokens().sizes();
                while (x.rows() > keep) {
                    int r = Math.min(x.rows() - keep, x.rows() / 2);
                    TokenTransform m = BipartiteSoftMatching.merge(x, sizes, r, false);
                    x = m.apply(x);
                    sizes = m.applyToSizes(sizes);
                    t = t == null ? m : m.after(t);
                }
                return t;
            }
        };
    }
}
