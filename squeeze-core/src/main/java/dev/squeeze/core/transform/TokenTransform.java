package dev.squeeze.core.transform;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one representation of every token reduction: Y = M X with M a sparse (K, N) matrix, K <= N
 * (after "Token Transforming: A Unified and Training-Free Token Compression Framework", Zeng et al., 2025).
 *
 * <ul>
 *   <li>Pruning: each row is one e_i (weight 1).</li>
 *   <li>Hard merging: a row averages a cluster, weighted by token sizes.</li>
 *   <li>Anchor merging: the anchor gets weight w, its members share 1 - w.</li>
 *   <li>Soft many-to-many: dense rows.</li>
 * </ul>
 *
 * Each stored entry (row k, column j) has a <em>weight</em> (its coefficient in Y) and a <em>mass</em>
 * (its coefficient in the size update s' = M~ s: 1 for pruning and hard merges, the source's share for
 * soft assignments). Rows are stored CSR. Transforms compose: {@code second.after(first)} is the single
 * transform M2 M1, whose rows point at the first transform's sources, so provenance and sizes of a
 * multi-stage method are read off one object.
 */
public final class TokenTransform {
    private final int sourceCount; // N
    private final int[] rowPtr; // (K + 1)
    private final int[] cols; // (nnz) source index of each entry, ascending within a row
    private final float[] weights; // (nnz) coefficient in Y = M X
    private final float[] mass; // (nnz) coefficient in s' = M~ s
    private final int stages;

    private TokenTransform(int sourceCount, int[] rowPtr, int[] cols, float[] weights, float[] mass, int stages) {
        this.sourceCount = sourceCount;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.weights = weights;
        this.mass = mass;
        this.stages = stages;
    }

    // ---------------------------------------------------------------- factories

    /** The identity on n tokens. */
    public static TokenTransform identity(int n) {
        Args.positive("N", n);
        int[] kept = new int[n];
        for (int i = 0; i < n; i++) kept[i] = i;
        return select(n, kept);
    }

    /**
     * Pruning: output k is source {@code kept[k]}. Order is the caller's (sort first to keep the original
     * order). Duplicates and out-of-range indices are rejected.
     */
    public static TokenTransform select(int n, int[] kept) {
        Args.positive("N", n);
        Args.notNull("kept", kept);
        checkK(kept.length, n);
        boolean[] seen = new boolean[n];
        int[] rowPtr = new int[kept.length + 1];
        float[] ones = new float[kept.length];
        Arrays.fill(ones, 1f);
        for (int k = 0; k < kept.length; k++) {
            int j = kept[k];
            if (j < 0 || j >= n)
                throw new IllegalArgumentException("kept[" + k + "] = " + j + " is outside [0, " + n + ")");
            if (seen[j]) throw new IllegalArgumentException("kept[" + k + "] = " + j + " is selected twice");
            seen[j] = true;
            rowPtr[k + 1] = k + 1;
        }
        return new TokenTransform(n, rowPtr, kept.clone(), ones, ones.clone(), 1);
    }

    /**
     * Hard merging: output k is the size-weighted mean of the sources in {@code groups[k]}; its size is
     * the sum of theirs. Sources absent from every group are dropped. A source may sit in one group only.
     *
     * @param sizes (N) current token sizes, or null for all ones
     */
    public static TokenTransform merge(int n, int[][] groups, float @Nullable [] sizes) {
        Args.positive("N", n);
        Args.notNull("groups", groups);
        checkK(groups.length, n);
        if (sizes != null) {
            if (sizes.length != n)
                throw new IllegalArgumentException("sizes has length " + sizes.length + ", expected N = " + n);
            for (int i = 0; i < n; i++) {
                if (!(sizes[i] > 0f) || !Float.isFinite(sizes[i])) {
                    throw new IllegalArgumentException("sizes[" + i + "] must be finite and > 0, got " + sizes[i]);
                }
            }
        }
        boolean[] seen = new boolean[n];
        Builder b = builder(n);
        for (int k = 0; k < groups.length; k++) {
            int[] g = groups[k];
            if (g == null || g.length == 0) throw new IllegalArgumentException("groups[" + k + "] is empty");
            float total = 0f;
            for (int j : g) {
                if (j < 0 || j >= n)
                    throw new IllegalArgumentException("groups[" + k + "] holds " + j + ", outside [0, " + n + ")");
                if (seen[j])
                    throw new IllegalArgumentException(
                            "source " + j + " appears in more than one group (again in groups[" + k + "])");
                seen[j] = true;
                total += sizes == null ? 1f : sizes[j];
            }
            float[] w = new float[g.length];
            float[] ms = new float[g.length];
            for (int e = 0; e < g.length; e++) {
                w[e] = (sizes == null ? 1f : sizes[g[e]]) / total;
                ms[e] = 1f;
            }
            b.row(g, w, ms);
        }
        return b.build();
    }

    /**
     * Anchor-weighted merging (HoliTom, FastVID): output k = w * x[anchor] + (1 - w) * mean(x[members]).
     * With no members the row is the anchor alone (weight 1). Every source counts fully toward the size.
     */
    public static TokenTransform anchorMerge(int n, int[] anchors, int[][] members, float anchorWeight) {
        Args.positive("N", n);
        Args.notNull("anchors", anchors);
        Args.notNull("members", members);
        if (anchors.length != members.length) {
            throw new IllegalArgumentException(
                    "anchors has " + anchors.length + " entries but members has " + members.length);
        }
        if (!(anchorWeight > 0f && anchorWeight <= 1f))
            throw new IllegalArgumentException("anchorWeight must be in (0, 1], got " + anchorWeight);
        checkK(anchors.length, n);
        Builder b = builder(n);
        for (int k = 0; k < anchors.length; k++) {
            int[] m = members[k] == null ? new int[0] : members[k];
            int[] c = new int[m.length + 1];
            float[] w = new float[m.length + 1];
            float[] ms = new float[m.length + 1];
            c[0] = anchors[k];
            w[0] = m.length == 0 ? 1f : anchorWeight;
            ms[0] = 1f;
            for (int e = 0; e < m.length; e++) {
                c[e + 1] = m[e];
                w[e + 1] = (1f - anchorWeight) / m.length;
                ms[e + 1] = 1f;
            }
            b.row(c, w, ms);
        }
        return b.build();
    }

    /**
     * Soft many-to-many: Y = W X with W (K, N) dense. Zero entries are not stored. Each source's size is
     * shared among outputs in proportion to its column of W (mass_kj = W_kj / sum_k W_kj), so total size
     * is conserved.
     */
    public static TokenTransform dense(FloatMatrix w) {
        Args.notNull("W", w);
        int k = w.rows(), n = w.cols();
        Args.positive("N", n);
        checkK(k, n);
        w.requireFinite("W");
        float[] colSum = new float[n];
        for (int r = 0; r < k; r++) for (int j = 0; j < n; j++) colSum[j] += Math.abs(w.get(r, j));
        Builder b = builder(n);
        for (int r = 0; r < k; r++) {
            int nz = 0;
            for (int j = 0; j < n; j++) if (w.get(r, j) != 0f) nz++;
            if (nz == 0) throw new IllegalArgumentException("W row " + r + " is all zero");
            int[] c = new int[nz];
            float[] wt = new float[nz];
            float[] ms = new float[nz];
            int e = 0;
            for (int j = 0; j < n; j++) {
                float v = w.get(r, j);
                if (v != 0f) {
                    c[e] = j;
                    wt[e] = v;
                    ms[e] = Math.abs(v) / colSum[j];
                    e++;
                }
            }
            b.row(c, wt, ms);
        }
        return b.build();
    }

    public static Builder builder(int sourceCount) {
        return new Builder(sourceCount);
    }

    // ---------------------------------------------------------------- shape and structure

    /** N: how many tokens this transform reads. */
    public int sourceCount() {
        return sourceCount;
    }

    /** K: how many tokens it produces. */
    public int outputCount() {
        return rowPtr.length - 1;
    }

    /** How many transforms were composed into this one. */
    public int stages() {
        return stages;
    }

    /** Source indices of row k (ascending). */
    public int[] rowSources(int k) {
        checkRow(k);
        return Arrays.copyOfRange(cols, rowPtr[k], rowPtr[k + 1]);
    }

    /** The lowest source index of row k without copying it: for a {@link #isSelection selection}, the one kept source. */
    public int firstSource(int k) {
        checkRow(k);
        return cols[rowPtr[k]];
    }

    /** Weights of row k, aligned with {@link #rowSources(int)}. */
    public float[] rowWeights(int k) {
        checkRow(k);
        return Arrays.copyOfRange(weights, rowPtr[k], rowPtr[k + 1]);
    }

    /** True when every row is a single source with weight 1 (pure pruning). */
    public boolean isSelection() {
        for (int k = 0; k < outputCount(); k++) {
            if (rowPtr[k + 1] - rowPtr[k] != 1 || weights[rowPtr[k]] != 1f) return false;
        }
        return true;
    }

    /** For a selection, the kept source of each output; otherwise the highest-weight source of each row. */
    public int[] representatives() {
        int[] out = new int[outputCount()];
        for (int k = 0; k < out.length; k++) {
            int best = rowPtr[k];
            for (int e = rowPtr[k] + 1; e < rowPtr[k + 1]; e++) if (weights[e] > weights[best]) best = e;
            out[k] = cols[best];
        }
        return out;
    }

    /** Provenance: for each output, the sorted source indices it stands for. */
    public int[][] provenance() {
        int[][] out = new int[outputCount()][];
        for (int k = 0; k < out.length; k++) out[k] = rowSources(k);
        return out;
    }

    /** M as a dense (K, N) matrix (for tests and small inspections). */
    public FloatMatrix toDense() {
        FloatMatrix m = new FloatMatrix(outputCount(), sourceCount);
        for (int k = 0; k < outputCount(); k++) {
            for (int e = rowPtr[k]; e < rowPtr[k + 1]; e++) m.set(k, cols[e], weights[e]);
        }
        return m;
    }

    // ---------------------------------------------------------------- application

    /** Y (K, D) = M X for X (N, D): token embeddings, keys or values alike. */
    public FloatMatrix apply(FloatMatrix x) {
        return apply(x, KernelProvider.kernels());
    }

    public FloatMatrix apply(FloatMatrix x, Kernels kernels) {
        Args.notNull("x", x);
        requireSources("x", x.rows());
        int d = x.cols();
        FloatMatrix y = new FloatMatrix(outputCount(), d);
        applyInto(x.data(), d, y.data(), kernels);
        return y;
    }

    /**
     * Writes M X into {@code out} (K, D), both row-major with row width d. No allocation: usable on a
     * hot path with a reused buffer.
     */
    public void applyInto(float[] x, int d, float[] out, Kernels kernels) {
        int k = outputCount();
        if (x.length < sourceCount * d)
            throw new IllegalArgumentException("x holds " + x.length + " floats, fewer than N*D = " + sourceCount * d);
        if (out.length < k * d)
            throw new IllegalArgumentException("out holds " + out.length + " floats, fewer than K*D = " + k * d);
        for (int r = 0; r < k; r++) {
            int start = rowPtr[r], end = rowPtr[r + 1];
            if (end - start == 1 && weights[start] == 1f) {
                System.arraycopy(x, cols[start] * d, out, r * d, d);
                continue;
            }
            Arrays.fill(out, r * d, (r + 1) * d, 0f);
            for (int e = start; e < end; e++) kernels.axpy(weights[e], x, cols[e] * d, out, r * d, d);
        }
    }

    /** y = M v for a per-token scalar (scores, ...). */
    public float[] apply(float[] v) {
        requireSources("v", v.length);
        float[] out = new float[outputCount()];
        for (int r = 0; r < out.length; r++) {
            float s = 0f;
            for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) s += weights[e] * v[cols[e]];
            out[r] = s;
        }
        return out;
    }

    /** s' = M~ s: sizes of the outputs given the sizes of the sources. */
    public float[] applyToSizes(float[] sizes) {
        requireSources("sizes", sizes.length);
        float[] out = new float[outputCount()];
        for (int r = 0; r < out.length; r++) {
            float s = 0f;
            for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) s += mass[e] * sizes[cols[e]];
            out[r] = s;
        }
        return out;
    }

    /** Positions of the outputs: the representative's, or the weight-averaged one. */
    public float[] applyToPositions(float[] positions, PositionMode mode) {
        requireSources("positions", positions.length);
        float[] out = new float[outputCount()];
        for (int r = 0; r < out.length; r++) {
            if (mode == PositionMode.REPRESENTATIVE) {
                int best = rowPtr[r];
                for (int e = rowPtr[r] + 1; e < rowPtr[r + 1]; e++) if (weights[e] > weights[best]) best = e;
                out[r] = positions[cols[best]];
            } else {
                float sw = 0f, sp = 0f;
                for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) {
                    sw += weights[e];
                    sp += weights[e] * positions[cols[e]];
                }
                out[r] = sp / sw;
            }
        }
        return out;
    }

    /** A mask on the outputs: an output is visible when any of its sources is. */
    public boolean[] applyToMask(boolean[] mask) {
        requireSources("mask", mask.length);
        boolean[] out = new boolean[outputCount()];
        for (int r = 0; r < out.length; r++) {
            for (int e = rowPtr[r]; e < rowPtr[r + 1] && !out[r]; e++) out[r] = mask[cols[e]];
        }
        return out;
    }

    /** Applies the transform to a whole token set: features, sizes, positions and provenance together. */
    public TokenSet apply(TokenSet in, PositionMode mode) {
        Args.notNull("in", in);
        FloatMatrix y = apply(in.tokens());
        int[][] prov = new int[outputCount()][];
        for (int r = 0; r < prov.length; r++) {
            int len = 0;
            for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) len += in.provenance()[cols[e]].length;
            int[] p = new int[len];
            int o = 0;
            for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) {
                int[] src = in.provenance()[cols[e]];
                System.arraycopy(src, 0, p, o, src.length);
                o += src.length;
            }
            Arrays.sort(p);
            prov[r] = dedupSorted(p);
        }
        return new TokenSet(y, applyToSizes(in.sizes()), applyToPositions(in.positions(), mode), prov);
    }

    // ---------------------------------------------------------------- composition

    /**
     * The composition {@code this ∘ first}: applying {@code first} and then this transform equals applying
     * the result once. Requires {@code first.outputCount() == this.sourceCount()}.
     */
    public TokenTransform after(TokenTransform first) {
        Args.notNull("first", first);
        if (first.outputCount() != sourceCount) {
            throw new IllegalArgumentException("cannot compose: first produces K = " + first.outputCount()
                    + " tokens but this transform reads N = " + sourceCount);
        }
        int n = first.sourceCount;
        float[] accW = new float[n];
        float[] accM = new float[n];
        boolean[] touched = new boolean[n];
        int[] touchedList = new int[n];
        Builder b = builder(n);
        for (int r = 0; r < outputCount(); r++) {
            int nt = 0;
            for (int e = rowPtr[r]; e < rowPtr[r + 1]; e++) {
                int mid = cols[e];
                for (int f = first.rowPtr[mid]; f < first.rowPtr[mid + 1]; f++) {
                    int j = first.cols[f];
                    if (!touched[j]) {
                        touched[j] = true;
                        touchedList[nt++] = j;
                    }
                    accW[j] += weights[e] * first.weights[f];
                    accM[j] += mass[e] * first.mass[f];
                }
            }
            Arrays.sort(touchedList, 0, nt);
            int[] c = Arrays.copyOf(touchedList, nt);
            float[] w = new float[nt];
            float[] ms = new float[nt];
            for (int t = 0; t < nt; t++) {
                int j = c[t];
                w[t] = accW[j];
                ms[t] = accM[j];
                accW[j] = 0f;
                accM[j] = 0f;
                touched[j] = false;
            }
            b.rowSorted(c, w, ms);
        }
        return b.build(stages + first.stages);
    }

    /** Composes stages in the order given: {@code chain(M1, M2, M3) = M3 M2 M1}. */
    public static TokenTransform chain(List<TokenTransform> stagesInOrder) {
        if (stagesInOrder == null || stagesInOrder.isEmpty())
            throw new IllegalArgumentException("chain needs at least one transform");
        TokenTransform t = stagesInOrder.get(0);
        for (int i = 1; i < stagesInOrder.size(); i++) t = stagesInOrder.get(i).after(t);
        return t;
    }

    // ---------------------------------------------------------------- helpers

    private void requireSources(String name, int n) {
        if (n != sourceCount)
            throw new IllegalArgumentException(
                    name + " has " + n + " tokens but the transform expects N = " + sourceCount);
    }

    private void checkRow(int k) {
        if (k < 0 || k >= outputCount())
            throw new IllegalArgumentException("row " + k + " is outside [0, " + outputCount() + ")");
    }

    private static void checkK(int k, int n) {
        if (k <= 0) throw new IllegalArgumentException("K (output tokens) must be > 0, got " + k);
        if (k > n)
            throw new IllegalArgumentException("K = " + k + " output tokens exceeds the N = " + n + " input tokens");
    }

    private static int[] dedupSorted(int[] p) {
        int o = 0;
        for (int i = 0; i < p.length; i++) if (i == 0 || p[i] != p[i - 1]) p[o++] = p[i];
        return o == p.length ? p : Arrays.copyOf(p, o);
    }

    @Override
    public String toString() {
        return "TokenTransform(" + outputCount() + " x " + sourceCount + ", nnz=" + cols.length + ", stages=" + stages
                + ")";
    }

    /** Builds a transform row by row. Columns within a row are sorted on {@link #row}. */
    public static final class Builder {
        private final int n;
        private final List<int[]> rowCols = new ArrayList<>();
        private final List<float[]> rowW = new ArrayList<>();
        private final List<float[]> rowM = new ArrayList<>();

        private Builder(int n) {
            this.n = Args.positive("N", n);
        }

        /** A row with mass 1 per entry (hard assignment). */
        public Builder row(int[] sources, float[] weights) {
            float[] ms = new float[sources.length];
            Arrays.fill(ms, 1f);
            return row(sources, weights, ms);
        }

        public Builder row(int[] sources, float[] weights, float[] mass) {
            Args.notNull("sources", sources);
            Args.notNull("weights", weights);
            Args.notNull("mass", mass);
            int r = rowCols.size();
            if (sources.length == 0) throw new IllegalArgumentException("row " + r + " is empty");
            if (weights.length != sources.length || mass.length != sources.length) {
                throw new IllegalArgumentException("row " + r + ": sources, weights and mass lengths differ ("
                        + sources.length + ", " + weights.length + ", " + mass.length + ")");
            }
            Integer[] order = new Integer[sources.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Integer.compare(sources[a], sources[b]));
            int[] c = new int[sources.length];
            float[] w = new float[sources.length];
            float[] ms = new float[sources.length];
            for (int i = 0; i < order.length; i++) {
                c[i] = sources[order[i]];
                w[i] = weights[order[i]];
                ms[i] = mass[order[i]];
            }
            return rowSorted(c, w, ms);
        }

        Builder rowSorted(int[] c, float[] w, float[] ms) {
            int r = rowCols.size();
            for (int i = 0; i < c.length; i++) {
                if (c[i] < 0 || c[i] >= n)
                    throw new IllegalArgumentException(
                            "row " + r + " names source " + c[i] + ", outside [0, " + n + ")");
                if (i > 0 && c[i] == c[i - 1])
                    throw new IllegalArgumentException("row " + r + " names source " + c[i] + " twice");
                if (!Float.isFinite(w[i]))
                    throw new IllegalArgumentException(
                            "row " + r + " has a non-finite weight " + w[i] + " for source " + c[i]);
                if (!Float.isFinite(ms[i]) || ms[i] < 0f)
                    throw new IllegalArgumentException(
                            "row " + r + " has an invalid mass " + ms[i] + " for source " + c[i]);
            }
            rowCols.add(c);
            rowW.add(w);
            rowM.add(ms);
            return this;
        }

        public TokenTransform build() {
            return build(1);
        }

        TokenTransform build(int stages) {
            int k = rowCols.size();
            checkK(k, n);
            int[] rowPtr = new int[k + 1];
            for (int r = 0; r < k; r++) rowPtr[r + 1] = rowPtr[r] + rowCols.get(r).length;
            int nnz = rowPtr[k];
            int[] c = new int[nnz];
            float[] w = new float[nnz];
            float[] ms = new float[nnz];
            for (int r = 0; r < k; r++) {
                System.arraycopy(rowCols.get(r), 0, c, rowPtr[r], rowCols.get(r).length);
                System.arraycopy(rowW.get(r), 0, w, rowPtr[r], rowW.get(r).length);
                System.arraycopy(rowM.get(r), 0, ms, rowPtr[r], rowM.get(r).length);
            }
            return new TokenTransform(n, rowPtr, c, w, ms, stages);
        }
    }
}
