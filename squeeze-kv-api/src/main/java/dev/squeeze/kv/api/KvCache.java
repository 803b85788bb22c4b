package dev.squeeze.kv.api;

import java.util.Arrays;

/**
 * The KV cache of one session: one {@link HeadKvStore} per (layer, KV head). Lengths may differ per head
 * after compression. Stores can be swapped (for a quantised one) at any time between steps.
 */
public final class KvCache {
    private final int nLayers;
    private final int nKvHeads;
    private final int headDim;
    private final int capacity;
    private final HeadKvStore[][] stores; // (n_layers, n_kv_heads)

    public KvCache(int nLayers, int nKvHeads, int headDim, int capacity, HeadKvStore.Factory factory) {
        this.nLayers = nLayers;
        this.nKvHeads = nKvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.stores = new HeadKvStore[nLayers][nKvHeads];
        for (int l = 0; l < nLayers; l++) {
            for (int h = 0; h < nKvHeads; h++) {
                HeadKvStore s = factory.create(l, h, headDim, capacity);
                check(l, h, s);
                stores[l][h] = s;
            }
        }
    }

    public int layers() {
        return nLayers;
    }

    public int kvHeads() {
        return nKvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** Entries each store was created to hold (the session's cache capacity). */
    public int capacity() {
        return capacity;
    }

    public HeadKvStore store(int layer, int kvHead) {
        checkIndex(layer, kvHead);
        return stores[layer][kvHead];
    }

    /** Swaps in another store for (layer, kvHead), e.g. a quantised one filled from the current contents. */
    public void setStore(int layer, int kvHead, HeadKvStore store) {
        checkIndex(layer, kvHead);
        check(layer, kvHead, store);
        stores[layer][kvHead] = store;
    }

    public int length(int layer, int kvHead) {
        return store(layer, kvHead).length();
    }

    /** Entries per head: (n_layers, n_kv_heads). */
    public int[][] lengths() {
        int[][] out = new int[nLayers][nKvHeads];
        for (int l = 0; l < nLayers; l++) for (int h = 0; h < nKvHeads; h++) out[l][h] = stores[l][h].length();
        return out;
    }

    /** Total entries over all layers and heads. */
    public long totalEntries() {
        long n = 0;
        for (HeadKvStore[] row : stores) for (HeadKvStore s : row) n += s.length();
        return n;
    }

    /** Bytes held now by all stores (their real payload). */
    public long bytes() {
        long b = 0;
        for (HeadKvStore[] row : stores) for (HeadKvStore s : row) b += s.bytes();
        return b;
    }

    public void clear() {
        for (HeadKvStore[] row : stores) for (HeadKvStore s : row) s.clear();
    }

    private void check(int l, int h, HeadKvStore s) {
        if (s == null) throw new IllegalArgumentException("store for layer " + l + ", head " + h + " is null");
        if (s.headDim() != headDim) {
            throw new IllegalArgumentException(
                    "store for layer " + l + ", head " + h + " has headDim " + s.headDim() + ", expected " + headDim);
        }
        if (s.capacity() < 1)
            throw new IllegalArgumentException("store for layer " + l + ", head " + h + " has no capacity");
    }

    private void checkIndex(int layer, int kvHead) {
        if (layer < 0 || layer >= nLayers)
            throw new IllegalArgumentException("layer " + layer + " is outside [0, " + nLayers + ")");
        if (kvHead < 0 || kvHead >= nKvHeads)
            throw new IllegalArgumentException("kv head " + kvHead + " is outside [0, " + nKvHeads + ")");
    }

    @Override
    public String toString() {
        return "KvCache(" + nLayers + " layers x " + nKvHeads + " heads, lengths " + Arrays.deepToString(lengths())
                + ")";
    }
}
