package dev.squeeze.vision;

import dev.squeeze.core.transform.TokenSet;
import java.util.List;
import java.util.Objects;

/**
 * What a visual-token method reads where it acts: the tokens (features, sizes, positions, provenance) and what the
 * model computed for them, with no model attached. A model adapter supplies it (the CCT's is
 * {@code dev.squeeze.vision.cct}, computing each part only when a method asks for it); {@link #builder} makes one
 * from plain values for any other model.
 *
 * <p>Arrays are the adapter's own and shared, not copied (an attention map is (H, N, N)): methods read them and
 * never write to them.
 */
public interface VisualTokens {

    /** The tokens: (N, D) features with their sizes, positions and provenance. */
    TokenSet tokens();

    /** N, the tokens held now. */
    default int size() {
        return tokens().size();
    }

    /** Tokens before any reduction (the vision encoder's output count: 576 for LLaVA-1.5, 256 for the CCT). */
    int originalCount();

    /** Side of the square patch grid the position ids index in raster order (position p is row p / side, column p % side). */
    int gridSide();

    /** (N) the [CLS] token's attention over the tokens (or the model's stand-in for it), head mean. */
    float[] clsAttention();

    /** (Q, N) attention of the text queries over the visual tokens, head mean; the last row is the last text token's. */
    float[][] textAttention();

    /** Encoder blocks that ran on exactly these tokens, oldest first (empty right after a reduction). */
    List<BlockTrace> layers();

    /** (N) the [CLS] attention of {@code layers().get(i)}'s output (VTC-CLS's multi-layer ensemble). */
    float[] layerClsAttention(int i);

    /** The latest block trace, for methods that read the attention or keys of the layer they follow. */
    default BlockTrace lastLayer() {
        List<BlockTrace> l = layers();
        if (l.isEmpty())
            throw new IllegalStateException("no encoder block has run on these tokens (none since the last reduction)");
        return l.get(l.size() - 1);
    }

    static Builder builder(TokenSet tokens) {
        return new Builder(tokens);
    }

    /** Plain values, for models other than the CCT and for tests. Parts not given fail when a method asks for them. */
    final class Builder {
        private final TokenSet tokens;
        private int originalCount, gridSide;
        private float[] cls;
        private float[][] text;
        private List<BlockTrace> layers = List.of();
        private List<float[]> layerCls = List.of();

        private Builder(TokenSet tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            this.originalCount = tokens.size();
            this.gridSide = (int) Math.round(Math.sqrt(tokens.size()));
        }

        /** Default: the current count (no earlier reduction). */
        public Builder originalCount(int n) {
            this.originalCount = n;
            return this;
        }

        /** Default: sqrt(N) rounded. */
        public Builder gridSide(int side) {
            this.gridSide = side;
            return this;
        }

        public Builder clsAttention(float[] a) {
            this.cls = a;
            return this;
        }

        public Builder textAttention(float[][] a) {
            this.text = a;
            return this;
        }

        /** Encoder block traces (oldest first) and, aligned with them, each output's [CLS] attention (may be empty). */
        public Builder layers(List<BlockTrace> traces, List<float[]> clsPerLayer) {
            this.layers = List.copyOf(traces);
            this.layerCls = List.copyOf(clsPerLayer);
            return this;
        }

        public VisualTokens build() {
            TokenSet t = tokens;
            int n0 = originalCount, side = gridSide;
            float[] c = cls;
            float[][] q = text;
            List<BlockTrace> ls = layers;
            List<float[]> lc = layerCls;
            return new VisualTokens() {
                @Override
                public TokenSet tokens() {
                    return t;
                }

                @Override
                public int originalCount() {
                    return n0;
                }

                @Override
                public int gridSide() {
                    return side;
                }

                @Override
                public float[] clsAttention() {
                    if (c == null) throw new IllegalStateException("these visual tokens carry no [CLS] attention");
                    return c;
                }

                @Override
                public float[][] textAttention() {
                    if (q == null) throw new IllegalStateException("these visual tokens carry no text attention");
                    return q;
                }

                @Override
                public List<BlockTrace> layers() {
                    return ls;
                }

                @Override
                public float[] layerClsAttention(int i) {
                    if (i < 0 || i >= lc.size())
                        throw new IllegalStateException(
                                "no [CLS] attention for encoder layer " + i + " (have " + lc.size() + ")");
                    return lc.get(i);
                }
            };
        }
    }
}
