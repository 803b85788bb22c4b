package dev.squeeze.cachegen;

import dev.squeeze.cachegen.codec.ChunkCodec;
import dev.squeeze.cachegen.codec.CorruptStreamException;
import dev.squeeze.cachegen.codec.LevelTables;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a CacheGen stream from a file or bytes: the header first (checked: magic, version, CRC32C, every size
 * against the stream length), then only the chunks asked for, each checked against its CRC32C before decoding.
 * Nothing is allocated from a size read in the stream before that size was checked against the stream length.
 */
public final class CacheGenReader implements AutoCloseable {
    private final Input input;
    private final String what;
    private final StreamHeader header;

    private CacheGenReader(Input input, String what) throws IOException {
        this.input = input;
        this.what = what;
        long len = input.length();
        byte[] pre = input.read(0, (int) Math.min(StreamHeader.PREAMBLE, len));
        int h = StreamHeader.headerLength(pre, len, what);
        this.header = StreamHeader.read(input.read(0, h), len, what);
    }

    public static CacheGenReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new CacheGenReader(new FileInput(ch), file.toString());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public static CacheGenReader of(byte[] stream, String what) throws IOException {
        return new CacheGenReader(new BytesInput(stream), what);
    }

    public StreamHeader header() {
        return header;
    }

    public int tokens() {
        return header.tokens();
    }

    /** The payload of chunk i, its CRC32C checked. */
    public byte[] chunk(int i) throws IOException {
        ChunkEntry e = entry(i);
        byte[] p = input.read(e.offset(), e.length());
        checkCrc(p, e, i);
        return p;
    }

    private ChunkEntry entry(int i) {
        if (i < 0 || i >= header.chunks().size()) {
            throw new IllegalArgumentException(
                    "chunk " + i + " is outside [0, " + header.chunks().size() + ") of " + what);
        }
        return header.chunks().get(i);
    }

    private void checkCrc(byte[] p, ChunkEntry e, int i) throws CorruptStreamException {
        CRC32C crc = new CRC32C();
        crc.update(p);
        if ((int) crc.getValue() != e.crc32c()) {
            throw new CorruptStreamException(what + ": chunk " + i + " (bytes " + e.offset() + ".."
                    + (e.offset() + e.length())
                    + ") fails its checksum (CRC32C stored 0x" + Integer.toHexString(e.crc32c()) + ", computed 0x"
                    + Long.toHexString(crc.getValue()) + "): the chunk is damaged");
        }
    }

    /** Checks every chunk's CRC32C; returns one message per damaged chunk (empty when the stream is intact). */
    public List<String> verify() throws IOException {
        List<String> damage = new ArrayList<>();
        for (int i = 0; i < header.chunks().size(); i++) {
            try {
                chunk(i);
            } catch (CorruptStreamException e) {
                damage.add(e.getMessage());
            }
        }
        return damage;
    }

    /** Decodes the whole stream for a model with fingerprint {@code model}. */
    public KvSnapshot decode(ModelFingerprint model) throws IOException {
        return decodePrefix(model, header.tokens());
    }

    /**
     * Decodes the first {@code maxTokens} tokens (reading only the chunks that hold them) after checking the
     * stream belongs to {@code model}.
     */
    public KvSnapshot decodePrefix(ModelFingerprint model, int maxTokens) throws IOException {
        model.requireSameModel(header.fingerprint(), what);
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        int T = Math.min(maxTokens, header.tokens());
        ModelFingerprint fp = header.fingerprint();
        int kvd = fp.kvDim();
        int covered = 0;
        List<Integer> need = new ArrayList<>();
        for (int i = 0; i < header.chunks().size() && covered < T; i++) {
            need.add(i);
            covered += header.chunks().get(i).tokenCount();
        }
        int[] tokens = new int[covered];
        float[] positions = new float[covered];
        float[][] keys = new float[fp.layers()][Math.multiplyExact(covered, kvd)];
        float[][] values = new float[fp.layers()][Math.multiplyExact(covered, kvd)];
        for (int i : need) {
            ChunkEntry e = entry(i);
            byte[] p = chunk(i);
            LevelTables t = header.tables(e.level());
            ChunkCodec.decode(
                    p,
                    0,
                    p.length,
                    e.offset(),
                    e.tokenCount(),
                    t,
                    kvd,
                    tokens,
                    positions,
                    keys,
                    values,
                    e.firstToken(),
                    fp.vocab(),
                    fp.seqLen());
        }
        return new KvSnapshot(fp.layers(), fp.kvHeads(), fp.headDim(), tokens, positions, keys, values).prefix(T);
    }

    @Override
    public void close() throws IOException {
        input.close();
    }

    private interface Input extends AutoCloseable {
        long length() throws IOException;

        byte[] read(long offset, int length) throws IOException;

        @Override
        void close() throws IOException;
    }

    private record BytesInput(byte[] b) implements Input {
        @Override
        public long length() {
            return b.length;
        }

        @Override
        public byte[] read(long offset, int length) {
            return java.util.Arrays.copyOfRange(b, (int) offset, (int) offset + length);
        }

        @Override
        public void close() {}
    }

    private record FileInput(FileChannel ch) implements Input {
        @Override
        public long length() throws IOException {
            return ch.size();
        }

        @Override
        public byte[] read(long offset, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                int n = ch.read(buf, offset + buf.position());
                if (n < 0)
                    throw new CorruptStreamException("file ended at offset " + (offset + buf.position())
                            + " while reading " + length + " bytes");
            }
            return buf.array();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
