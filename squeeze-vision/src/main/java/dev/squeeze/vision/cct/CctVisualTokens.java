package dev.squeeze.vision.cct;

import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.vision.BlockTrace;
import dev.squeeze.vision.VisualTokens;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.HookContext;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a method sees at a CCT hook. CCT has no [CLS] token: it classifies by attention pooling, and the pooling
 * weights on the current tokens ({@link HookContext#poolAttention()}) stand in for the [CLS] attention and for the
 * last text token's attention alike (one query). Each part is computed when a method first asks for it, so a
 * method that reads only the tokens pays for nothing else.
 */
final class CctVisualTokens implements VisualTokens {
    private final HookContext ctx;
    private float @Nullable [] pool;
    private float @Nullable [][] layerPool;

    CctVisualTokens(HookContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public TokenSet tokens() {
        return ctx.tokens();
    }

    @Override
    public int originalCount() {
        return CctModel.TOKENS;
    }

    @Override
    public int gridSide() {
        return CctModel.GRID;
    }

    @Override
    public float[] clsAttention() {
        if (pool == null) pool = ctx.poolAttention();
        return pool;
    }

    @Override
    public float[][] textAttention() {
        return new float[][] {clsAttention()};
    }

    @Override
    public List<BlockTrace> layers() {
        return ctx.history();
    }

    /** The pooling weights evaluated on layer i's output tokens (with the current sizes, positions, provenance). */
    @Override
    public float[] layerClsAttention(int i) {
        List<BlockTrace> h = ctx.history();
        if (layerPool == null) layerPool = new float[h.size()][];
        if (layerPool[i] == null) {
            TokenSet t = ctx.tokens();
            layerPool[i] =
                    ctx.model().poolWeights(new TokenSet(h.get(i).output(), t.sizes(), t.positions(), t.provenance()));
        }
        return layerPool[i];
    }
}
