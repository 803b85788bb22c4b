package dev.squeeze.core.kernel;

/** Helpers for symmetric (Gram) blocks computed one triangle at a time. */
final class Symmetric {
    private Symmetric() {}

    /**
     * For rows r in [r0, r1) of a symmetric (ldc-wide) block whose entries c[i][r], i < r1, are computed:
     * c[r][i] = c[i][r] for every i < r. Reads run along rows of the computed part; the writes go to at most
     * r1 - r0 rows at once, so both stay in cache when r1 - r0 is a panel width.
     */
    static void copyUpperToLower(float[] c, int ldc, int r0, int r1) {
        for (int i = 0; i < r1 - 1; i++) {
            int src = i * ldc;
            for (int r = Math.max(r0, i + 1); r < r1; r++) c[r * ldc + i] = c[src + r];
        }
    }
}
