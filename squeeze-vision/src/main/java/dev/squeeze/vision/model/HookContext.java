package dev.squeeze.vision.model;

import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.vision.BlockTrace;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Reducer} sees at a hook point.
 *
 * <p>CCT has no [CLS] token: it classifies by attention pooling, a softmax over tokens of a linear score of
 * the final-normed tokens. {@link #poolAttention()} evaluates that pooling score on the current tokens (after
 * the final norm, with log sizes added), and plays the role of [CLS] attention for the [CLS]-attention
 * methods and of the last text token's attention for the in-LLM methods.
 *
 * @param model   the model
 * @param layer   the block index of the hook
 * @param tokens  the current token set (features, sizes, positions, provenance)
 * @param history traces of the blocks already run on exactly this token set, oldest first (a reduction
 *                clears it); inside a block its last entry is the current block, with output = the tokens
 *                after the attention residual
 */
public record HookContext(CctModel model, int layer, TokenSet tokens, List<BlockTrace> history) {

    /** (N) the attention-pooling weights on the current tokens: the [CLS]-attention proxy. */
    public float[] poolAttention() {
        return model.poolWeights(tokens);
    }

    /** The latest block trace on this token set, or null when none (right after the tokenizer or a reduction). */
    public @Nullable BlockTrace last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** The trace of block {@code layer}, which must have run on this token set. */
    public BlockTrace trace(int layer) {
        for (BlockTrace t : history) if (t.layer() == layer) return t;
        throw new IllegalArgumentException("no attention of block " + layer + " on the current token set at hook layer "
                + this.layer + " (blocks available: "
                + history.stream().map(BlockTrace::layer).toList() + ")");
    }

    public int size() {
        return tokens.size();
    }
}
