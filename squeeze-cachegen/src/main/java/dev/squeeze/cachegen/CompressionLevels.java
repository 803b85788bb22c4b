package dev.squeeze.cachegen;

/**
 * The preset levels: layers split into three equal groups (first, middle, last third: layer l is in group
 * floor(3l / n_layers)), with more bins in earlier groups (CacheGen's observation that shallow layers are the
 * most sensitive to loss). Level 0 is the finest, {@link #MAX} the coarsest; {@link #DEFAULT} meets
 * <= 1.01x perplexity on stories260K (docs/PERFORMANCE.md).
 */
public final class CompressionLevels {
    private CompressionLevels() {}

    /** (level, group) bins of keys; keys need about twice the bins of values (measured on stories260K). */
    private static final int[][] KEY_BINS = {
        {255, 255, 255},
        {63, 63, 63},
        {63, 31, 31},
        {31, 31, 31},
        {31, 31, 15},
        {15, 15, 15},
        {15, 7, 7},
    };
    /** (level, group) bins of values. */
    private static final int[][] VALUE_BINS = {
        {255, 255, 255},
        {31, 31, 15},
        {15, 15, 7},
        {15, 7, 7},
        {7, 7, 7},
        {7, 7, 5},
        {5, 5, 3},
    };

    public static final int MAX = 6; // KEY_BINS.length - 1 (a constant for annotations)
    public static final int DEFAULT = 3;

    static {
        if (KEY_BINS.length != MAX + 1 || VALUE_BINS.length != MAX + 1)
            throw new AssertionError("level tables and MAX disagree");
    }

    /** Preset {@code level} for a model of {@code layers} layers, without delta coding. */
    public static LevelSpec preset(int level, int layers) {
        return preset(level, layers, 0);
    }

    /** Preset {@code level} with delta coding against an anchor every {@code anchorInterval} tokens (0 = none). */
    public static LevelSpec preset(int level, int layers, int anchorInterval) {
        if (level < 0 || level > MAX)
            throw new IllegalArgumentException("level must be in [0, " + MAX + "], got " + level);
        if (layers <= 0) throw new IllegalArgumentException("layers must be > 0, got " + layers);
        int[] k = new int[layers], v = new int[layers];
        for (int l = 0; l < layers; l++) {
            int g = (int) (3L * l / layers);
            k[l] = KEY_BINS[level][g];
            v[l] = VALUE_BINS[level][g];
        }
        return new LevelSpec(level, anchorInterval, k, v);
    }
}
