package dev.squeeze.cachegen.codec;

import dev.squeeze.cachegen.LevelSpec;

/**
 * The frequency tables of one level: one per (layer, kind K/V, role anchor/delta, channel), channel being the
 * column of the (tokens, n_kv_heads * head_dim) layout. Serialised in that nesting order.
 */
public final class LevelTables {
    private final LevelSpec level;
    private final FrequencyTable[][][][] tables; // (layers, 2, roles, kvDim)

    public LevelTables(LevelSpec level, FrequencyTable[][][][] tables) {
        this.level = level;
        this.tables = tables;
    }

    public LevelSpec level() {
        return level;
    }

    public FrequencyTable table(int layer, int kind, int role, int channel) {
        return tables[layer][kind][role][channel];
    }

    /** The tables of (layer, kind, role) over channels. */
    public FrequencyTable[] tables(int layer, int kind, int role) {
        return tables[layer][kind][role];
    }

    /** Builds tables from symbol counts (layers, 2, roles, kvDim, bins). */
    public static LevelTables fromCounts(LevelSpec level, long[][][][][] counts) {
        int L = counts.length, roles = level.roles(), kvd = counts[0][0][0].length;
        FrequencyTable[][][][] t = new FrequencyTable[L][2][roles][kvd];
        for (int l = 0; l < L; l++)
            for (int k = 0; k < 2; k++)
                for (int r = 0; r < roles; r++)
                    for (int c = 0; c < kvd; c++) t[l][k][r][c] = FrequencyTable.fromCounts(counts[l][k][r][c]);
        return new LevelTables(level, t);
    }

    public void write(ByteSink out) {
        for (FrequencyTable[][][] a : tables)
            for (FrequencyTable[][] b : a) for (FrequencyTable[] c : b) for (FrequencyTable t : c) t.write(out);
    }

    public static LevelTables read(ByteSource in, LevelSpec level, int kvDim) throws CorruptStreamException {
        int L = level.layers(), roles = level.roles();
        long n = (long) L * 2 * roles * kvDim;
        if (n * 2 > in.remaining()) {
            throw new CorruptStreamException("level " + level.id() + " needs " + n + " frequency tables (>= " + 2 * n
                    + " bytes) but only " + in.remaining() + " header bytes remain at offset " + in.position());
        }
        FrequencyTable[][][][] t = new FrequencyTable[L][2][roles][kvDim];
        for (int l = 0; l < L; l++)
            for (int k = 0; k < 2; k++)
                for (int r = 0; r < roles; r++)
                    for (int c = 0; c < kvDim; c++) t[l][k][r][c] = FrequencyTable.read(in, level.alphabet(l, k, r));
        return new LevelTables(level, t);
    }
}
