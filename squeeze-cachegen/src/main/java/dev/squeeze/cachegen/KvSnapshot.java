package dev.squeeze.cachegen;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvCache;
import dev.squeeze.llm.runtime.Session;
import java.util.Arrays;

/**
 * The KV cache of a token sequence in the layout CacheGen codes: per layer, keys and values as
 * (tokens, n_kv_heads * head_dim) row-major, KV head h at columns [h*head_dim, (h+1)*head_dim); the token ids
 * the cache was computed from and the RoPE position of each entry.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param keys   (n_layers) arrays of (tokens, kvDim)
 * @param values (n_layers) arrays of (tokens, kvDim)
 */
public record KvSnapshot(
        int layers, int kvHeads, int headDim, int[] tokens, float[] positions, float[][] keys, float[][] values) {

    public KvSnapshot {
        if (layers <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException(
                    "layers, kvHeads and headDim must be > 0, got " + layers + ", " + kvHeads + ", " + headDim);
        }
        if (positions.length != tokens.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but " + positions.length + " positions");
        }
        if (keys.length != layers || values.length != layers) {
            throw new IllegalArgumentException("keys/values must have one array per layer (" + layers + ")");
        }
        long per = (long) tokens.length * kvHeads * headDim;
        for (int l = 0; l < layers; l++) {
            if (keys[l].length != per || values[l].length != per) {
                throw new IllegalArgumentException(
                        "layer " + l + ": keys/values need " + per + " floats (tokens x kvDim)");
            }
        }
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int tokenCount() {
        return tokens.length;
    }

    /** Bytes of this cache at 16 bits per key/value entry (the usual fp16 serving baseline). */
    public long fp16Bytes() {
        return 2L * 2 * layers * (long) kvDim() * tokens.length;
    }

    /**
     * Copies the cache of a session whose stores all hold the same {@code tokens.length} entries at the same
     * positions (a cache straight from prefill/decode; pressed caches with per-head lengths are refused).
     */
    public static KvSnapshot of(KvCache cache, int[] tokens) {
        int L = cache.layers(), H = cache.kvHeads(), hd = cache.headDim(), T = tokens.length, kvd = H * hd;
        float[] pos = null;
        float[][] k = new float[L][], v = new float[L][];
        for (int l = 0; l < L; l++) {
            k[l] = new float[Math.multiplyExact(T, kvd)];
            v[l] = new float[k[l].length];
            for (int h = 0; h < H; h++) {
                HeadKvStore st = cache.store(l, h);
                if (st.length() != T) {
                    throw new IllegalArgumentException(
                            "layer " + l + ", head " + h + " holds " + st.length() + " entries but " + T
                                    + " tokens were given: CacheGen codes uncompressed caches whose heads all hold every token");
                }
                float[] p = st.positions();
                if (pos == null) pos = p;
                else if (!Arrays.equals(pos, p)) {
                    throw new IllegalArgumentException(
                            "layer " + l + ", head " + h + " holds other positions than layer 0, head 0: "
                                    + "CacheGen codes caches whose heads share their entries");
                }
                scatter(st.keys(), k[l], h, hd, kvd);
                scatter(st.values(), v[l], h, hd, kvd);
            }
        }
        return new KvSnapshot(L, H, hd, tokens.clone(), pos == null ? new float[0] : pos, k, v);
    }

    private static void scatter(FloatMatrix m, float[] dst, int h, int hd, int kvd) {
        float[] d = m.data();
        for (int t = 0; t < m.rows(); t++) System.arraycopy(d, t * hd, dst, t * kvd + h * hd, hd);
    }

    /** The first {@code n} tokens of this snapshot. */
    public KvSnapshot prefix(int n) {
        if (n < 0 || n > tokens.length)
            throw new IllegalArgumentException("prefix " + n + " is outside [0, " + tokens.length + "]");
        if (n == tokens.length) return this;
        int kvd = kvDim();
        float[][] k = new float[layers][], v = new float[layers][];
        for (int l = 0; l < layers; l++) {
            k[l] = Arrays.copyOf(keys[l], n * kvd);
            v[l] = Arrays.copyOf(values[l], n * kvd);
        }
        return new KvSnapshot(layers, kvHeads, headDim, Arrays.copyOf(tokens, n), Arrays.copyOf(positions, n), k, v);
    }

    /** Replaces the contents of every store of {@code cache} by this snapshot (shapes must match). */
    public void fill(KvCache cache) {
        if (cache.layers() != layers || cache.kvHeads() != kvHeads || cache.headDim() != headDim) {
            throw new IllegalArgumentException(
                    "the cache is " + cache.layers() + " layers x " + cache.kvHeads() + " heads x " + cache.headDim()
                            + " but the snapshot is " + layers + " x " + kvHeads + " x " + headDim);
        }
        int T = tokens.length, kvd = kvDim();
        if (T > cache.capacity())
            throw new IllegalArgumentException(T + " entries exceed the cache capacity " + cache.capacity());
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < kvHeads; h++) {
                float[] kk = new float[T * headDim], vv = new float[T * headDim];
                for (int t = 0; t < T; t++) {
                    System.arraycopy(keys[l], t * kvd + h * headDim, kk, t * headDim, headDim);
                    System.arraycopy(values[l], t * kvd + h * headDim, vv, t * headDim, headDim);
                }
                cache.store(l, h)
                        .replace(new FloatMatrix(T, headDim, kk), new FloatMatrix(T, headDim, vv), positions.clone());
            }
        }
    }

    /**
     * Starts a new sequence in {@code session} from this cache: the stores are filled and the next position is
     * the last entry's position + 1 (which must leave room in the model's context).
     */
    public void restoreInto(Session session) {
        session.reset();
        fill(session.cache());
        int next = tokens.length == 0 ? 0 : Math.round(positions[tokens.length - 1]) + 1;
        session.setPosition(next);
    }
}
