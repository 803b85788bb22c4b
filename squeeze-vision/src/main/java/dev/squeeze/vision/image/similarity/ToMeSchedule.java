package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.StagedReducer;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;

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
 * protected: CCT has none. Declared by {@link ToMe} (constant) and {@link ToMeLinear}.
 */
public abstract class ToMeSchedule implements StagedReducer, VisionMethod {
    public enum Schedule {
        CONSTANT,
        LINEAR
    }

    private final Schedule schedule;

    protected ToMeSchedule(Schedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public String name() {
        return schedule == Schedule.CONSTANT ? "tome" : "tome-linear";
    }

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

    /** Stage l inside block l (after attention, before the MLP); stage S before the head finishes the budget if the cap left tokens over. */
    @Override
    public Placement placement() {
        return Placement.EVERY_BLOCK;
    }

    @Override
    public Optional<TokenTransform> reduce(VisualTokens in, int stage, int stages, Budget budget) {
        int keep = Selections.keep(name(), budget, in.originalCount());
        if (stage < stages) {
            int r = mergesFor(schedule, in.size(), keep, stage, stages);
            if (r == 0) return Optional.empty();
            return Optional.of(BipartiteSoftMatching.merge(
                    in.lastLayer().headMeanKeys(), in.tokens().sizes(), r, false));
        }
        if (in.size() <= keep) return Optional.empty();
        return Optional.of(
                ToMeEncoder.mergeRounds(in.tokens().tokens(), in.tokens().sizes(), keep));
    }
}
