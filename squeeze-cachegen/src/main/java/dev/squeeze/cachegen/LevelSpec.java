package dev.squeeze.cachegen;

import java.util.Arrays;

/**
 * One compression level resolved for a model: the quantisation bins of keys and values of every layer and the
 * anchor interval of delta coding. Bins are odd (symmetric around 0): a value x of a token whose largest
 * magnitude in that layer is m is coded as round(x / s) + (bins-1)/2 with s = m / ((bins-1)/2).
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param id             level number stored with each chunk
 * @param anchorInterval 0 = no delta coding; g > 0 = every g-th token of a chunk (from its first) is an anchor
 *                       coded as is, the others code their difference to the reconstructed anchor on the anchor's
 *                       step (same precision, smaller symbols when neighbouring tokens are alike)
 * @param keyBins        (n_layers) bins of keys
 * @param valueBins      (n_layers) bins of values
 */
public record LevelSpec(int id, int anchorInterval, int[] keyBins, int[] valueBins) {
    public static final int MAX_BINS = 2047;

    public LevelSpec {
        if (id < 0 || id > 255) throw new IllegalArgumentException("level id must be in [0, 255], got " + id);
        if (anchorInterval < 0 || anchorInterval > 65535) {
            throw new IllegalArgumentException("anchor interval must be in [0, 65535], got " + anchorInterval);
        }
        if (keyBins.length != valueBins.length || keyBins.length == 0) {
            throw new IllegalArgumentException("key and value bins need one entry per layer");
        }
        for (int[] bins : new int[][] {keyBins, valueBins}) {
            for (int l = 0; l < bins.length; l++) {
                if (bins[l] < 3 || bins[l] > MAX_BINS || bins[l] % 2 == 0) {
                    throw new IllegalArgumentException(
                            "layer " + l + ": bins must be odd and in [3, " + MAX_BINS + "], got " + bins[l]);
                }
            }
        }
        keyBins = keyBins.clone();
        valueBins = valueBins.clone();
    }

    public int layers() {
        return keyBins.length;
    }

    public boolean delta() {
        return anchorInterval > 0;
    }

    /** 1 without delta coding (one table set), 2 with (anchor tables, delta tables). */
    public int roles() {
        return delta() ? 2 : 1;
    }

    /**
     * Alphabet of role 0 (anchors, or every token without delta coding): the bins; of role 1 (deltas, coded on
     * the anchor's step, so differences up to twice the range): 2 * bins - 1.
     */
    public int alphabet(int layer, int kind, int role) {
        return role == 0 ? bins(layer, kind) : 2 * bins(layer, kind) - 1;
    }

    /** Bins of kind 0 (keys) or 1 (values) in layer l. */
    public int bins(int layer, int kind) {
        return kind == 0 ? keyBins[layer] : valueBins[layer];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LevelSpec s
                && s.id == id
                && s.anchorInterval == anchorInterval
                && Arrays.equals(s.keyBins, keyBins)
                && Arrays.equals(s.valueBins, valueBins);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(keyBins);
    }

    @Override
    public String toString() {
        return "level " + id + " (keys " + Arrays.toString(keyBins) + ", values " + Arrays.toString(valueBins)
                + (delta() ? ", delta vs anchors every " + anchorInterval + " tokens" : ", no delta") + ")";
    }
}
