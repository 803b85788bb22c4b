package dev.squeeze.cachegen;

import dev.squeeze.cachegen.codec.ChunkCodec;
import dev.squeeze.cachegen.codec.LevelTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.zip.CRC32C;

/**
 * Encodes a {@link KvSnapshot} into a CacheGen stream: chunks of {@code chunkTokens} tokens (256 by default),
 * each at the level a {@link IntUnaryOperator} chooses for its index; one set of frequency tables per level used,
 * counted over all chunks coded at that level (CacheGen profiles the symbol distribution per (layer, channel);
 * here the profile is the cache itself and travels in the header).
 */
public final class CacheGenEncoder {
    public static final int DEFAULT_CHUNK_TOKENS = 256;

    private final int chunkTokens;
    private final IntUnaryOperator levelOfChunk;
    private final int anchorInterval;
    private final LevelSpec custom;
    private final double maxBytesPerToken;

    private CacheGenEncoder(Builder b) {
        this.custom = b.custom;
        this.maxBytesPerToken = b.maxBytesPerToken;
        this.chunkTokens = b.chunkTokens;
        this.levelOfChunk = b.levelOfChunk;
        this.anchorInterval = b.anchorInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public EncodedStream encode(KvSnapshot s, ModelFingerprint fp) {
        if (fp.layers() != s.layers() || fp.kvHeads() != s.kvHeads() || fp.headDim() != s.headDim()) {
            throw new IllegalArgumentException("the cache (" + s.layers() + " layers x " + s.kvHeads() + " x "
                    + s.headDim() + ") does not match the model " + fp.describe());
        }
        int T = s.tokenCount(), kvd = s.kvDim();
        checkPositions(s, fp);
        int nChunks = chunkCount(T, chunkTokens);
        List<ChunkCodec.Quantised> qs = new ArrayList<>(nChunks);
        Map<Integer, LevelSpec> specs = new LinkedHashMap<>();
        Map<Integer, long[][][][][]> counts = new LinkedHashMap<>();
        IntUnaryOperator levelOf = maxBytesPerToken > 0 ? budgetLevels(s, fp, nChunks) : levelOfChunk;
        for (int i = 0; i < nChunks; i++) {
            int level = levelOf.applyAsInt(i);
            LevelSpec spec = specs.computeIfAbsent(
                    level, lv -> custom != null ? custom : CompressionLevels.preset(lv, s.layers(), anchorInterval));
            int start = i * chunkTokens;
            ChunkCodec.Quantised q = ChunkCodec.quantise(s, start, Math.min(chunkTokens, T - start), spec);
            ChunkCodec.count(q, counts.computeIfAbsent(level, lv -> ChunkCodec.newCounts(spec, kvd)), kvd);
            qs.add(q);
        }
        Map<Integer, LevelTables> tables = new LinkedHashMap<>();
        for (var e : specs.entrySet())
            tables.put(e.getKey(), LevelTables.fromCounts(e.getValue(), counts.get(e.getKey())));
        List<byte[]> payloads = new ArrayList<>(nChunks);
        List<ChunkEntry> entries = new ArrayList<>(nChunks);
        for (ChunkCodec.Quantised q : qs) {
            byte[] p = ChunkCodec.encode(s, q, tables.get(q.level().id()));
            CRC32C crc = new CRC32C();
            crc.update(p);
            payloads.add(p);
            entries.add(
                    new ChunkEntry(0, p.length, q.start(), q.count(), q.level().id(), (int) crc.getValue()));
        }
        List<LevelTables> levelList = List.copyOf(tables.values());
        byte[] header = StreamHeader.write(fp, T, chunkTokens, levelList, entries);
        byte[] tablesOnly = StreamHeader.write(fp, 0, chunkTokens, levelList, List.of());
        return new EncodedStream(header, tablesOnly, payloads, entries, s.fp16Bytes(), T);
    }

    /** ceil(tokens / chunkTokens) without overflowing for chunk lengths near Integer.MAX_VALUE. */
    static int chunkCount(int tokens, int chunkTokens) {
        return tokens == 0 ? 0 : (tokens - 1) / chunkTokens + 1;
    }

    /** Every position must be one the reader accepts: finite and inside the model's context [0, seq_len). */
    private static void checkPositions(KvSnapshot s, ModelFingerprint fp) {
        float[] p = s.positions();
        if (p.length > fp.seqLen()) {
            throw new IllegalArgumentException(
                    "the cache holds " + p.length + " tokens, more than the model's seq_len " + fp.seqLen());
        }
        for (int t = 0; t < p.length; t++) {
            if (!(p[t] >= 0 && p[t] < fp.seqLen())) {
                throw new IllegalArgumentException("token " + t + " has position " + p[t]
                        + ", outside the model's context [0, " + fp.seqLen() + ")");
            }
        }
    }

    /**
     * CacheGen's adaptation, with a byte budget standing in for the network bandwidth: every chunk is coded at the
     * finest preset level whose payload fits {@code maxBytesPerToken} x its tokens (the coarsest level when none
     * does). Sizes are measured by coding every chunk at every level (tables counted over all chunks).
     */
    private IntUnaryOperator budgetLevels(KvSnapshot s, ModelFingerprint fp, int nChunks) {
        int T = s.tokenCount(), kvd = s.kvDim();
        int[] chosen = new int[nChunks];
        java.util.Arrays.fill(chosen, -1);
        for (int lv = 0; lv <= CompressionLevels.MAX; lv++) {
            LevelSpec spec = CompressionLevels.preset(lv, s.layers(), anchorInterval);
            long[][][][][] counts = ChunkCodec.newCounts(spec, kvd);
            List<ChunkCodec.Quantised> qs = new ArrayList<>(nChunks);
            for (int i = 0; i < nChunks; i++) {
                int start = i * chunkTokens;
                ChunkCodec.Quantised q = ChunkCodec.quantise(s, start, Math.min(chunkTokens, T - start), spec);
                ChunkCodec.count(q, counts, kvd);
                qs.add(q);
            }
            LevelTables tables = LevelTables.fromCounts(spec, counts);
            for (int i = 0; i < nChunks; i++) {
                if (chosen[i] >= 0) continue;
                ChunkCodec.Quantised q = qs.get(i);
                if (ChunkCodec.encode(s, q, tables).length <= maxBytesPerToken * q.count()
                        || lv == CompressionLevels.MAX) chosen[i] = lv;
            }
        }
        return i -> chosen[i];
    }

    public static final class Builder {
        private int chunkTokens = DEFAULT_CHUNK_TOKENS;
        private IntUnaryOperator levelOfChunk = i -> CompressionLevels.DEFAULT;
        private int anchorInterval;
        private LevelSpec custom;
        private double maxBytesPerToken;

        /**
         * Chooses each chunk's level from a payload budget in bytes per token (the finest level that fits);
         * 0 = off (the default). Overrides {@link #level}/{@link #levelPerChunk}.
         */
        public Builder maxBytesPerToken(double budget) {
            if (!(budget >= 0) || Double.isInfinite(budget))
                throw new IllegalArgumentException("byte budget must be >= 0 and finite, got " + budget);
            this.maxBytesPerToken = budget;
            return this;
        }

        /** One explicit level (bins per layer, anchor interval) for every chunk, instead of the presets. */
        public Builder spec(LevelSpec spec) {
            this.custom = java.util.Objects.requireNonNull(spec, "spec");
            this.levelOfChunk = i -> spec.id();
            return this;
        }

        /** Tokens per chunk (a prefix of whole chunks loads alone). */
        public Builder chunkTokens(int n) {
            if (n <= 0) throw new IllegalArgumentException("chunk tokens must be > 0, got " + n);
            this.chunkTokens = n;
            return this;
        }

        /** The same preset level for every chunk. */
        public Builder level(int level) {
            CompressionLevels.preset(level, 1); // validates
            this.levelOfChunk = i -> level;
            return this;
        }

        /** A level per chunk index (e.g. finer for the first chunk). */
        public Builder levelPerChunk(IntUnaryOperator f) {
            this.levelOfChunk = java.util.Objects.requireNonNull(f, "level function");
            return this;
        }

        /** Delta coding against an anchor every {@code g} tokens (0 = off, the default). */
        public Builder anchorInterval(int g) {
            if (g < 0 || g > 65535)
                throw new IllegalArgumentException(
                        "anchor interval must be in [0, 65535] (a u16 in the stream), got " + g);
            this.anchorInterval = g;
            return this;
        }

        public CacheGenEncoder build() {
            return new CacheGenEncoder(this);
        }
    }
}
