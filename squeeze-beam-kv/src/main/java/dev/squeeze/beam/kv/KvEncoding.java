package dev.squeeze.beam.kv;

import dev.squeeze.cachegen.CacheGenEncoder;
import dev.squeeze.cachegen.CompressionLevels;
import java.io.Serializable;

/**
 * How the caches are coded: the CacheGen level and the tokens per chunk. A serving process finds a stored prefix only
 * with the same chunk length (it is part of every key, {@link dev.squeeze.cachegen.store.ChunkKeys}).
 */
public record KvEncoding(int level, int chunkTokens) implements Serializable {
    /**
     * Tokens per chunk by default: 64, not CacheGen's 256, because only a document's whole chunks are stored
     * ({@link PrecomputeKvCaches}): a serving prompt recomputes fewer than 64 of each document's tokens, and a document
     * of fewer than 64 tokens is not worth a store round trip. A chunk's fixed cost (its 59-byte record header, a length
     * per layer, the range coder's flush) stays small against 64 tokens of keys and values.
     */
    public static final int DEFAULT_CHUNK_TOKENS = 64;

    public KvEncoding {
        if (level < 0 || level > CompressionLevels.MAX) {
            throw new IllegalArgumentException(
                    "CacheGen level must be in [0, " + CompressionLevels.MAX + "], got " + level);
        }
        if (chunkTokens <= 0) throw new IllegalArgumentException("chunk tokens must be > 0, got " + chunkTokens);
    }

    public static KvEncoding defaults() {
        return new KvEncoding(CompressionLevels.DEFAULT, DEFAULT_CHUNK_TOKENS);
    }

    public CacheGenEncoder encoder() {
        return CacheGenEncoder.builder().level(level).chunkTokens(chunkTokens).build();
    }
}
