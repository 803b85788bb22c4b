package dev.squeeze.cachegen;

import dev.squeeze.cachegen.codec.ByteSink;
import dev.squeeze.cachegen.codec.ByteSource;
import dev.squeeze.cachegen.codec.ChunkCodec;
import dev.squeeze.cachegen.codec.CorruptStreamException;
import dev.squeeze.cachegen.codec.LevelTables;
import dev.squeeze.cachegen.store.ChunkKeys;
import dev.squeeze.cachegen.store.KvStore;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefix reuse over a {@link KvStore}: {@link #save} stores a cache chunk by chunk under content addresses
 * ({@link ChunkKeys}); {@link #prefill} loads the longest stored prefix of a prompt, restores it into a session
 * and computes only the rest. Every loaded chunk is checked (record CRC, payload CRC32C, model fingerprint of
 * its tables, and its decoded token ids against the prompt) before it is used; a store that fails mid-load
 * (down, restarted, timing out) ends the prefix there and the rest is recomputed, with the reason reported.
 *
 * <p>Stored chunk record: "SQKC" | u16 version 1 | 32-byte SHA-256 of the tables header | u32 first token |
 * u32 token count | u8 level | u32 payload length | u32 payload CRC32C | u32 CRC32C of the preceding record
 * bytes | payload (the chunk payload of the file format).
 */
public final class KvPrefixCache {
    private static final Logger LOG = LoggerFactory.getLogger(KvPrefixCache.class);
    private static final byte[] MAGIC = {'S', 'Q', 'K', 'C'};
    private static final int RECORD_HEADER = 4 + 2 + 32 + 4 + 4 + 1 + 4 + 4 + 4;

    private final KvStore store;
    private final CacheGenEncoder encoder;

    public KvPrefixCache(KvStore store, CacheGenEncoder encoder) {
        this.store = store;
        this.encoder = encoder;
    }

    public KvStore store() {
        return store;
    }

    /**
     * What {@link #prefill} did. fallback is null when the store answered every request.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Reuse(
            float[] logits,
            int loadedTokens,
            int computedTokens,
            long bytesRead,
            @Nullable String fallback) {}

    /** Encodes {@code snap} and stores its tables and chunks; returns the bytes written. */
    public long save(ModelFingerprint fp, KvSnapshot snap) throws IOException {
        EncodedStream enc = encoder.encode(snap, fp);
        String tablesKey = ChunkKeys.tables(enc.tablesHeader());
        byte[] tablesId = java.util.HexFormat.of().parseHex(tablesKey.substring(2));
        long bytes = enc.tablesHeader().length;
        store.put(tablesKey, enc.tablesHeader());
        int C = encoder.chunkTokens();
        for (int i = 0; i < enc.chunks().size(); i++) {
            ChunkEntry e = enc.entries().get(i);
            byte[] rec = record(tablesId, e, enc.chunks().get(i));
            String key = e.tokenCount() == C
                    ? ChunkKeys.full(fp, C, snap.tokens(), e.firstToken() + C)
                    : ChunkKeys.tail(fp, C, snap.tokens(), e.firstToken());
            store.put(key, rec);
            bytes += rec.length;
        }
        return bytes;
    }

    private static byte[] record(byte[] tablesId, ChunkEntry e, byte[] payload) {
        ByteSink out = new ByteSink(RECORD_HEADER + payload.length);
        out.bytes(MAGIC)
                .u16(1)
                .bytes(tablesId)
                .i32(e.firstToken())
                .i32(e.tokenCount())
                .u8(e.level())
                .i32(payload.length)
                .i32(e.crc32c());
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.size());
        out.i32((int) crc.getValue());
        out.bytes(payload);
        return out.toByteArray();
    }

    /** The longest stored prefix of {@code tokens}, at most {@code maxTokens} long, with what happened. */
    public record Loaded(
            KvSnapshot snapshot, long bytesRead, @Nullable String fallback) {}

    public Loaded loadPrefix(ModelFingerprint fp, int[] tokens, int maxTokens) {
        int C = encoder.chunkTokens();
        int limit = Math.min(maxTokens, tokens.length);
        List<KvSnapshot> parts = new ArrayList<>();
        Map<String, LevelTablesOf> tables = new HashMap<>();
        long read = 0;
        String fallback = null;
        int start = 0;
        try {
            while (start < limit) {
                boolean full = (long) start + C <= tokens.length; // long: C may be near Integer.MAX_VALUE
                String key = full ? ChunkKeys.full(fp, C, tokens, start + C) : null;
                Optional<byte[]> v = full ? store.get(key) : Optional.empty();
                if (v.isEmpty()) {
                    key = ChunkKeys.tail(fp, C, tokens, start);
                    v = store.get(key);
                    full = false;
                }
                if (v.isEmpty()) break;
                read += v.get().length;
                KvSnapshot part = decodeRecord(fp, v.get(), key, start, tables);
                int match = 0;
                while (match < part.tokenCount()
                        && start + match < tokens.length
                        && part.tokens()[match] == tokens[start + match]) match++;
                if (match == 0) break;
                parts.add(part.prefix(match));
                start += match;
                if (!full || match < C) break;
            }
        } catch (IOException | RuntimeException e) { // every store failure is a miss: what loaded so far is verified
            fallback = e instanceof IOException ? e.getMessage() : store.describe() + ": " + e;
            LOG.warn(
                    "KV store {} failed after {} cached tokens; recomputing the rest: {}",
                    store.describe(),
                    start,
                    fallback);
        }
        KvSnapshot all = concat(fp, parts);
        return new Loaded(all.prefix(Math.min(all.tokenCount(), limit)), read, fallback);
    }

    private record LevelTablesOf(Map<Integer, LevelTables> levels) {}

    private KvSnapshot decodeRecord(
            ModelFingerprint fp, byte[] rec, String key, int expectFirst, Map<String, LevelTablesOf> cache)
            throws IOException {
        String what = store.describe() + " value " + key;
        ByteSource in = ByteSource.of(rec, what);
        byte[] magic = in.bytes(4, "magic");
        if (!Arrays.equals(magic, MAGIC))
            throw new CorruptStreamException(what + " is not a stored CacheGen chunk (bad magic)");
        int version = in.u16("version");
        if (version != 1)
            throw new CorruptStreamException(what + " is chunk record version " + version + "; this reader reads 1");
        byte[] tablesId = in.bytes(32, "tables id");
        int first = in.u31("first token");
        int count = in.u31("token count");
        int level = in.u8("level");
        int len = in.u31("payload length");
        int payloadCrc = in.i32("payload CRC32C");
        CRC32C crc = new CRC32C();
        crc.update(rec, 0, in.index());
        int headCrc = in.i32("record CRC32C");
        if (headCrc != (int) crc.getValue())
            throw new CorruptStreamException(what + ": record header checksum mismatch: damaged");
        if (first != expectFirst)
            throw new CorruptStreamException(what + " starts at token " + first + ", expected " + expectFirst);
        if (len != in.remaining())
            throw new CorruptStreamException(what + " claims " + len + " payload bytes but holds " + in.remaining());
        if (count == 0 || count > encoder.chunkTokens())
            throw new CorruptStreamException(what + " holds " + count + " tokens");
        crc.reset();
        crc.update(rec, in.index(), len);
        if (payloadCrc != (int) crc.getValue())
            throw new CorruptStreamException(what + ": payload checksum mismatch: damaged");
        String tablesKey = "h-" + java.util.HexFormat.of().formatHex(tablesId);
        LevelTablesOf t = cache.get(tablesKey);
        if (t == null) {
            byte[] h = store.get(tablesKey)
                    .orElseThrow(() -> new CorruptStreamException(
                            what + " refers to tables " + tablesKey + " that the store lacks"));
            if (!ChunkKeys.tables(h).equals(tablesKey))
                throw new CorruptStreamException(store.describe() + " value " + tablesKey + " does not match its hash");
            StreamHeader sh = StreamHeader.read(h, h.length, store.describe() + " value " + tablesKey);
            fp.requireSameModel(sh.fingerprint(), store.describe() + " value " + tablesKey);
            t = new LevelTablesOf(sh.levels());
            cache.put(tablesKey, t);
        }
        LevelTables lt = t.levels().get(level);
        if (lt == null)
            throw new CorruptStreamException(what + " uses level " + level + " that its tables do not define");
        int kvd = fp.kvDim();
        int[] tok = new int[count];
        float[] pos = new float[count];
        float[][] k = new float[fp.layers()][count * kvd], v = new float[fp.layers()][count * kvd];
        ChunkCodec.decode(rec, in.index(), rec.length, 0, count, lt, kvd, tok, pos, k, v, 0, fp.vocab(), fp.seqLen());
        return new KvSnapshot(fp.layers(), fp.kvHeads(), fp.headDim(), tok, pos, k, v);
    }

    static KvSnapshot concat(ModelFingerprint fp, List<KvSnapshot> parts) {
        int T = 0;
        for (KvSnapshot p : parts) T += p.tokenCount();
        int kvd = fp.kvDim();
        int[] tok = new int[T];
        float[] pos = new float[T];
        float[][] k = new float[fp.layers()][T * kvd], v = new float[fp.layers()][T * kvd];
        int at = 0;
        for (KvSnapshot p : parts) {
            int n = p.tokenCount();
            System.arraycopy(p.tokens(), 0, tok, at, n);
            System.arraycopy(p.positions(), 0, pos, at, n);
            for (int l = 0; l < fp.layers(); l++) {
                System.arraycopy(p.keys()[l], 0, k[l], at * kvd, n * kvd);
                System.arraycopy(p.values()[l], 0, v[l], at * kvd, n * kvd);
            }
            at += n;
        }
        return new KvSnapshot(fp.layers(), fp.kvHeads(), fp.headDim(), tok, pos, k, v);
    }

    /**
     * Runs {@code tokens} (BOS first) in {@code session} from a fresh sequence, loading the longest stored prefix
     * (at most all but the last token, whose logits are needed) and computing the rest; returns the last logits.
     */
    public Reuse prefill(LlamaModel model, Session session, int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("prefill needs at least one token");
        ModelFingerprint fp = ModelFingerprint.of(model);
        Loaded l = loadPrefix(fp, tokens, tokens.length - 1);
        int n = l.snapshot().tokenCount();
        if (n > 0) l.snapshot().restoreInto(session);
        else session.reset();
        float[] logits = session.prefill(Arrays.copyOfRange(tokens, n, tokens.length), false)
                .data();
        return new Reuse(logits, n, tokens.length - n, l.bytesRead(), l.fallback());
    }
}
