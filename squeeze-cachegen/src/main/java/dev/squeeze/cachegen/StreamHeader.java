package dev.squeeze.cachegen;

import dev.squeeze.cachegen.codec.ByteSink;
import dev.squeeze.cachegen.codec.ByteSource;
import dev.squeeze.cachegen.codec.CorruptStreamException;
import dev.squeeze.cachegen.codec.LevelTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The self-describing header of a CacheGen stream (version {@value #VERSION}), little-endian:
 * <pre>
 *  magic "SQKV" | u16 version | u16 flags (0) | u32 header length H (bytes from offset 0 through the header CRC)
 *  fingerprint: u8 n + arch (ASCII) | u32 n_layers | u32 n_kv_heads | u32 head_dim | u32 dim | u32 vocab | u32 seq_len
 *               | u8 dtype | 32 bytes SHA-256 of config + weights
 *  u32 tokens | u32 nominal chunk tokens | u32 chunk count C
 *  u8 level count; per level: u8 id | u16 anchor interval | u16 key bins x n_layers | u16 value bins x n_layers
 *               | frequency tables (layer, kind, role, channel), see {@link dev.squeeze.cachegen.codec.FrequencyTable}
 *  chunk index: C x (u64 offset | u32 length | u32 first token | u32 token count | u8 level | u32 CRC32C)
 *  u32 CRC32C of bytes [0, H - 4)
 * </pre>
 * Chunk payloads follow at the offsets of the index.
 */
public record StreamHeader(
        ModelFingerprint fingerprint,
        int tokens,
        int chunkTokens,
        Map<Integer, LevelTables> levels,
        List<ChunkEntry> chunks,
        int length) {
    public static final byte[] MAGIC = {'S', 'Q', 'K', 'V'};
    public static final int VERSION = 1;
    /** Bytes before the header length is known: magic, version, flags, length. */
    public static final int PREAMBLE = 12;

    public StreamHeader {
        levels = Map.copyOf(levels);
        chunks = List.copyOf(chunks);
    }

    public LevelTables tables(int level) {
        return levels.get(level);
    }

    /** Serialises the header for chunks of the given payload lengths (offsets follow the header). */
    static byte[] write(
            ModelFingerprint fp,
            int tokens,
            int chunkTokens,
            List<LevelTables> levels,
            List<ChunkEntry> chunksNoOffset) {
        ByteSink out = new ByteSink(1 << 12);
        out.bytes(MAGIC).u16(VERSION).u16(0).i32(0);
        fp.write(out);
        out.i32(tokens).i32(chunkTokens).i32(chunksNoOffset.size());
        out.u8(levels.size());
        for (LevelTables t : levels) {
            LevelSpec s = t.level();
            out.u8(s.id()).u16(s.anchorInterval());
            for (int b : s.keyBins()) out.u16(b);
            for (int b : s.valueBins()) out.u16(b);
            t.write(out);
        }
        int headerLength = out.size() + chunksNoOffset.size() * ChunkEntry.BYTES + 4;
        long offset = headerLength;
        for (ChunkEntry e : chunksNoOffset) {
            out.i64(offset)
                    .i32(e.length())
                    .i32(e.firstToken())
                    .i32(e.tokenCount())
                    .u8(e.level())
                    .i32(e.crc32c());
            offset += e.length();
        }
        out.putI32(8, headerLength);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.size());
        out.i32((int) crc.getValue());
        return out.toByteArray();
    }

    /** Reads the header length from the first {@link #PREAMBLE} bytes, checking magic and version. */
    static int headerLength(byte[] pre, long streamLength, String what) throws CorruptStreamException {
        if (pre.length < PREAMBLE) {
            throw new CorruptStreamException(
                    what + " is truncated: " + pre.length + " bytes, a CacheGen stream starts with " + PREAMBLE);
        }
        for (int i = 0; i < 4; i++) {
            if (pre[i] != MAGIC[i])
                throw new CorruptStreamException(what + " is not a CacheGen KV stream (bad magic at offset 0)");
        }
        ByteSource in = new ByteSource(pre, 4, PREAMBLE, 4, what);
        int version = in.u16("version");
        if (version != VERSION) {
            throw new CorruptStreamException(
                    what + " is CacheGen stream version " + version + "; this reader reads version " + VERSION);
        }
        int flags = in.u16("flags");
        if (flags != 0)
            throw new CorruptStreamException(what + ": unknown flags 0x" + Integer.toHexString(flags) + " at offset 6");
        int h = in.i32("header length");
        if (h < PREAMBLE + 4 || h > streamLength) {
            throw new CorruptStreamException(
                    what + ": header length " + Integer.toUnsignedString(h) + " at offset 8 is outside [16, "
                            + streamLength + "] (the stream length)" + (h > streamLength ? ": truncated" : ""));
        }
        return h;
    }

    /** Parses and checks a whole header ({@code buf} holds exactly H bytes); {@code streamLength} bounds the chunks. */
    static StreamHeader read(byte[] buf, long streamLength, String what) throws CorruptStreamException {
        int h = headerLength(buf, streamLength, what);
        if (buf.length != h)
            throw new CorruptStreamException(what + ": header of " + h + " bytes but " + buf.length + " were read");
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, h - 4);
        ByteSource tail = new ByteSource(buf, h - 4, h, h - 4, what);
        int stored = tail.i32("header CRC32C");
        if (stored != (int) crc.getValue()) {
            throw new CorruptStreamException(
                    what + ": header checksum mismatch (CRC32C stored 0x" + Integer.toHexString(stored)
                            + ", computed 0x" + Long.toHexString(crc.getValue()) + "): the header is damaged");
        }
        ByteSource in = new ByteSource(buf, PREAMBLE, h - 4, PREAMBLE, what);
        ModelFingerprint fp = ModelFingerprint.read(in);
        long at = in.position();
        int tokens = in.u31("token count");
        if (tokens > fp.seqLen()) { // a cache never holds more entries than its model's context; decoding sizes
            // buffers by it
            throw new CorruptStreamException(what + ": token count " + tokens + " at offset " + at
                    + " exceeds the model's seq_len " + fp.seqLen());
        }
        at = in.position();
        int chunkTokens = in.u31("chunk tokens");
        if (chunkTokens == 0) throw new CorruptStreamException(what + ": chunk tokens at offset " + at + " is 0");
        at = in.position();
        int count = in.u31("chunk count");
        if ((long) count * ChunkEntry.BYTES > in.remaining()) {
            throw new CorruptStreamException(
                    what + ": chunk count " + count + " at offset " + at + " does not fit the header");
        }
        int nLevels = in.u8("level count");
        Map<Integer, LevelTables> levels = new LinkedHashMap<>();
        for (int i = 0; i < nLevels; i++) {
            at = in.position();
            int id = in.u8("level id");
            int anchor = in.u16("anchor interval");
            int[] kb = new int[fp.layers()], vb = new int[fp.layers()];
            for (int l = 0; l < kb.length; l++) kb[l] = in.u16("key bins");
            for (int l = 0; l < vb.length; l++) vb[l] = in.u16("value bins");
            LevelSpec spec;
            try {
                spec = new LevelSpec(id, anchor, kb, vb);
            } catch (IllegalArgumentException e) {
                throw new CorruptStreamException(what + ": level at offset " + at + ": " + e.getMessage());
            }
            if (levels.containsKey(id))
                throw new CorruptStreamException(what + ": level " + id + " at offset " + at + " is defined twice");
            levels.put(id, LevelTables.read(in, spec, fp.kvDim()));
        }
        if (in.remaining() != (long) count * ChunkEntry.BYTES) {
            throw new CorruptStreamException(what + ": the chunk index at offset " + in.position() + " should take "
                    + (long) count * ChunkEntry.BYTES + " bytes but " + in.remaining() + " remain in the header");
        }
        List<ChunkEntry> chunks = new ArrayList<>(count);
        long expectOffset = h;
        int expectFirst = 0;
        for (int i = 0; i < count; i++) {
            at = in.position();
            long off = in.i64("chunk offset");
            int len = in.u31("chunk length");
            int first = in.u31("chunk first token");
            int n = in.u31("chunk token count");
            int level = in.u8("chunk level");
            int c = in.i32("chunk CRC32C");
            if (off != expectOffset || off + len > streamLength) {
                throw new CorruptStreamException(
                        what + ": chunk " + i + " (index entry at offset " + at + ") spans [" + off + ", " + (off + len)
                                + ") but should start at " + expectOffset + " and end within the stream's "
                                + streamLength + " bytes"
                                + (off + len > streamLength ? ": truncated" : ""));
            }
            if (first != expectFirst || n == 0 || n > chunkTokens || (long) first + n > tokens) {
                throw new CorruptStreamException(what + ": chunk " + i + " (index entry at offset " + at
                        + ") holds tokens [" + first + ", " + ((long) first + n) + "), inconsistent with the " + tokens
                        + " tokens in chunks of " + chunkTokens);
            }
            // every token costs at least one byte of token id and 2 bytes of scale per (layer, K/V): a chunk index
            // that claims more tokens than its bytes can hold is damaged (and must not size any allocation)
            if ((long) n * (1 + 4L * fp.layers()) > len) {
                throw new CorruptStreamException(what + ": chunk " + i + " (index entry at offset " + at + ") claims "
                        + n + " tokens in only " + len + " bytes");
            }
            if (!levels.containsKey(level)) {
                throw new CorruptStreamException(
                        what + ": chunk " + i + " uses level " + level + " which the header does not define");
            }
            chunks.add(new ChunkEntry(off, len, first, n, level, c));
            expectOffset = off + len;
            expectFirst = first + n;
        }
        if (expectFirst != tokens) {
            throw new CorruptStreamException(
                    what + ": the chunks hold " + expectFirst + " tokens but the header says " + tokens);
        }
        if (expectOffset != streamLength) {
            throw new CorruptStreamException(
                    what + ": " + (streamLength - expectOffset) + " trailing byte(s) at offset " + expectOffset
                            + ", after the last chunk: not a stream this encoder wrote");
        }
        return new StreamHeader(fp, tokens, chunkTokens, levels, chunks, h);
    }

    /** Total stream bytes: header plus every chunk. */
    public long streamBytes() {
        return chunks.isEmpty()
                ? length
                : chunks.getLast().offset() + chunks.getLast().length();
    }
}
