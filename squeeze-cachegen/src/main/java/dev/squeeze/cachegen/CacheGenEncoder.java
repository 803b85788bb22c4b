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

    private CacheGenEncoder(Builder b) {
        this.custom = b.custom;
        this.chunkTokens = b.chunkTokens;
        this.levelOfChunk = b.levelOfChunk;
        this.anchorInterval = b.anchorInterval;
    }

    public static Builder builder() { return new Builder(); }

    public int chunkTokens() { return chunkTokens; }

    public EncodedStream encode(KvSnapshot s, ModelFingerprint fp) {
        if (fp.layers() != s.layers() || fp.kvHeads() != s.kvHeads() || fp.headDim() != s.headDim()) {
            throw new IllegalArgumentException("the cache (" + s.layers() + " layers x " + s.kvHeads() + " x " + s.headDim()
                    + ") does not match the model " + fp.describe());
        }
        int T = s.tokenCount(), kvd = s.kvDim();
        int nChunks = (T + chunkTokens - 1) / chunkTokens;
        List<ChunkCodec.Quantised> qs = new ArrayList<>(nChunks);
        Map<Integer, LevelSpec> specs = new LinkedHashMap<>();
        Map<Integer, long[][][][][]> counts = new LinkedHashMap<>();
        for (int i = 0; i < nChunks; i++) {
            int level = levelOfChunk.applyAsInt(i);
            LevelSpec spec = specs.computeIfAbsent(level, lv -> custom != null ? custom : CompressionLevels.preset(lv, s.layers(), anchorInterval));
            int start = i * chunkTokens;
            ChunkCodec.Quantised q = ChunkCodec.quantise(s, start, Math.min(chunkTokens, T - start), spec);
            ChunkCodec.count(q, counts.computeIfAbsent(level, lv -> ChunkCodec.newCounts(spec, kvd)), kvd);
            qs.add(q);
        }
        Map<Integer, LevelTables> tables = new LinkedHashMap<>();
        for (var e : specs.entrySet()) tables.put(e.getKey(), LevelTables.fromCounts(e.getValue(), counts.get(e.getKey())));
        List<byte[]> payloads = new ArrayList<>(nChunks);
        List<ChunkEntry> entries = new ArrayList<>(nChunks);
        for (ChunkCodec.Quantised q : qs) {
            byte[] p = ChunkCodec.encode(s, q, tables.get(q.level().id()));
            CRC32C crc = new CRC32C();
            crc.update(p);
            payloads.add(p);
            entries.add(new ChunkEntry(0, p.length, q.start(), q.count(), q.level().id(), (int) crc.getValue()));
        }
        List<LevelTables> levelList = List.copyOf(tables.values());
        byte[] header = StreamHeader.write(fp, T, chunkTokens, levelList, entries);
        byte[] tablesOnly = StreamHeader.write(fp, 0, chunkTokens, levelList, List.of());
        return new EncodedStream(header, tablesOnly, payloads, entries, s.fp16Bytes(), T);
    }

    public static final class Builder {
        private int chunkTokens = DEFAULT_CHUNK_TOKENS;
        private IntUnaryOperator levelOfChunk = i -> CompressionLevels.DEFAULT;
        private int anchorInterval;
        private LevelSpec custom;

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
            if (g < 0) throw new IllegalArgumentException("anchor interval must be >= 0, got " + g);
            this.anchorInterval = g;
            return this;
        }

        public CacheGenEncoder build() { return new CacheGenEncoder(this); }
    }
}
