package dev.squeeze.core.transform;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.tensor.FloatMatrix;

/**
 * A set of tokens and what they carry through reductions.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param tokens     (N, D) token features
 * @param sizes      (N) how many original tokens each stands for (ToMe's s; proportional attention adds log s)
 * @param positions  (N) position ids (RoPE / grid positions); kept tokens keep theirs
 * @param provenance (N) sorted indices of the original tokens each token stands for
 */
public record TokenSet(FloatMatrix tokens, float[] sizes, float[] positions, int[][] provenance) {

    public TokenSet {
        Args.notNull("tokens", tokens);
        int n = tokens.rows();
        if (sizes.length != n)
            throw new IllegalArgumentException("sizes has length " + sizes.length + ", expected N = " + n);
        if (positions.length != n)
            throw new IllegalArgumentException("positions has length " + positions.length + ", expected N = " + n);
        if (provenance.length != n)
            throw new IllegalArgumentException("provenance has length " + provenance.length + ", expected N = " + n);
    }

    /** Original tokens: size 1, position i, provenance {i}. Rejects empty or non-finite input. */
    public static TokenSet of(FloatMatrix tokens) {
        Args.notNull("tokens", tokens);
        if (tokens.rows() == 0) throw new IllegalArgumentException("tokens is an empty token set (N = 0)");
        // the kernels' vectorised scan; the plain one names the row and column
        if (KernelProvider.kernels().firstNonFinite(tokens.data(), 0, tokens.data().length) >= 0)
            tokens.requireFinite("tokens");
        int n = tokens.rows();
        float[] sizes = new float[n];
        float[] pos = new float[n];
        int[][] prov = new int[n][];
        for (int i = 0; i < n; i++) {
            sizes[i] = 1f;
            pos[i] = i;
            prov[i] = new int[] {i};
        }
        return new TokenSet(tokens, sizes, pos, prov);
    }

    public int size() {
        return tokens.rows();
    }

    /** ln s per token: the bias proportional attention adds to attention logits. */
    public float[] logSizes() {
        float[] out = new float[sizes.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) Math.log(sizes[i]);
        return out;
    }
}
