package dev.squeeze.cachegen;

import dev.squeeze.cachegen.codec.ByteSink;
import dev.squeeze.cachegen.codec.ByteSource;
import dev.squeeze.cachegen.codec.CorruptStreamException;
import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.WeightTensor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a stored KV cache belongs to: architecture, the dimensions that shape the cache, the dtype of the
 * cache it was made from, and a SHA-256 over the config and the weights. A stream whose fingerprint differs
 * from the model's is refused (its keys and values would be silently wrong for another model).
 *
 * <p>Weights hashed: every norm vector in full; of each matrix every row when it holds at most 2^22 values,
 * else 64 rows evenly spaced (first and last included) — a 1B model hashes in milliseconds and any re-export
 * with different values is caught with overwhelming probability.
 *
 * @param dtype 0 = fp32 (the runtime's dense store), 1 = fp16, 2 = bf16
 */
public record ModelFingerprint(
        String arch, int layers, int kvHeads, int headDim, int dim, int vocab, int seqLen, int dtype, byte[] hash) {
    public static final int DTYPE_F32 = 0;
    private static final int FULL_HASH_LIMIT = 1 << 22;
    private static final int SAMPLED_ROWS = 64;

    public ModelFingerprint {
        if (arch == null || arch.isEmpty() || arch.length() > 64)
            throw new IllegalArgumentException("arch must be 1..64 characters");
        for (int i = 0; i < arch.length(); i++) {
            if (!printable(arch.charAt(i))) {
                throw new IllegalArgumentException("arch '" + arch.replaceAll("[^\\x21-\\x7e]", "?")
                        + "' has a character other than printable ASCII at " + i);
            }
        }
        if (hash == null || hash.length != 32) throw new IllegalArgumentException("hash must be 32 bytes (SHA-256)");
        hash = hash.clone();
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public static ModelFingerprint of(LlamaModel model) {
        LlamaConfig c = model.config();
        MessageDigest md = sha256();
        md.update(c.toString().getBytes(StandardCharsets.UTF_8));
        hash(md, model.weights().tokenEmbedding());
        for (LayerWeights L : model.weights().layers()) {
            hash(md, L.attnNorm());
            for (WeightTensor t : new WeightTensor[] {L.wq(), L.wk(), L.wv(), L.wo(), L.w1(), L.w2(), L.w3()})
                hash(md, t);
            for (float[] b : new float[][] {L.bq(), L.bk(), L.bv()}) if (b != null) hash(md, b);
            hash(md, L.ffnNorm());
        }
        hash(md, model.weights().finalNorm());
        if (!model.weights().tiedClassifier()) hash(md, model.weights().classifier());
        return new ModelFingerprint(
                "llama",
                c.nLayers(),
                c.nKvHeads(),
                c.headDim(),
                c.dim(),
                c.vocabSize(),
                c.seqLen(),
                DTYPE_F32,
                md.digest());
    }

    private static void hash(MessageDigest md, WeightTensor t) {
        int rows = t.rows(), cols = t.cols();
        float[] row = new float[cols];
        boolean all = (long) rows * cols <= FULL_HASH_LIMIT;
        int n = all ? rows : SAMPLED_ROWS;
        for (int i = 0; i < n; i++) {
            int r = all ? i : (int) ((long) i * (rows - 1) / (n - 1));
            t.copyRow(r, row, 0);
            hash(md, row);
        }
    }

    private static void hash(MessageDigest md, float[] v) {
        byte[] b = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            b[4 * i] = (byte) bits;
            b[4 * i + 1] = (byte) (bits >>> 8);
            b[4 * i + 2] = (byte) (bits >>> 16);
            b[4 * i + 3] = (byte) (bits >>> 24);
        }
        md.update(b);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    public void write(ByteSink out) {
        byte[] a = arch.getBytes(StandardCharsets.US_ASCII);
        out.u8(a.length).bytes(a);
        out.i32(layers)
                .i32(kvHeads)
                .i32(headDim)
                .i32(dim)
                .i32(vocab)
                .i32(seqLen)
                .u8(dtype)
                .bytes(hash);
    }

    public static ModelFingerprint read(ByteSource in) throws CorruptStreamException {
        long at = in.position();
        int n = in.u8("architecture name length");
        if (n == 0 || n > 64)
            throw new CorruptStreamException(
                    "architecture name length " + n + " at offset " + at + " is not in [1, 64]");
        long nameAt = in.position();
        byte[] name = in.bytes(n, "architecture name");
        for (int i = 0; i < n; i++) {
            if (!printable((char) (name[i] & 0xFF))) {
                throw new CorruptStreamException(String.format(
                        "architecture name byte 0x%02X at offset %d is not printable ASCII",
                        name[i] & 0xFF, nameAt + i));
            }
        }
        String arch = new String(name, StandardCharsets.US_ASCII);
        int layers = dimension(in, "n_layers", 1 << 12);
        int kvHeads = dimension(in, "n_kv_heads", 1 << 12);
        int headDim = dimension(in, "head_dim", 1 << 14);
        int dim = dimension(in, "dim", 1 << 20);
        int vocab = dimension(in, "vocab", 1 << 24);
        int seqLen = dimension(in, "seq_len", 1 << 26);
        int dtype = in.u8("dtype");
        if ((long) kvHeads * headDim > 1 << 16) {
            throw new CorruptStreamException("kv_dim " + (long) kvHeads * headDim
                    + " (n_kv_heads x head_dim) before offset " + in.position() + " is larger than 65536");
        }
        return new ModelFingerprint(
                arch, layers, kvHeads, headDim, dim, vocab, seqLen, dtype, in.bytes(32, "model hash"));
    }

    /** Architecture names are printable ASCII without spaces (they end up in messages and JSON). */
    private static boolean printable(char c) {
        return c > 0x20 && c < 0x7F;
    }

    private static int dimension(ByteSource in, String name, int max) throws CorruptStreamException {
        long at = in.position();
        int v = in.i32(name);
        if (v <= 0 || v > max)
            throw new CorruptStreamException(name + " = " + v + " at offset " + at + " is not in [1, " + max + "]");
        return v;
    }

    /** Throws a {@link CorruptStreamException} naming the first difference when {@code stream} is of another model. */
    public void requireSameModel(ModelFingerprint stream, String where) throws CorruptStreamException {
        if (!equals(stream)) {
            throw new CorruptStreamException(
                    where + " was made from another model: stream " + stream.describe() + ", model " + describe());
        }
    }

    public String describe() {
        return arch + " " + layers + " layers x " + kvHeads + " kv heads x " + headDim + " (dim " + dim + ", vocab "
                + vocab + ", seq_len " + seqLen + ", dtype " + dtype + ", weights "
                + HexFormat.of().formatHex(hash, 0, 8) + ")";
    }

    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFingerprint f
                && arch.equals(f.arch)
                && layers == f.layers
                && kvHeads == f.kvHeads
                && headDim == f.headDim
                && dim == f.dim
                && vocab == f.vocab
                && seqLen == f.seqLen
                && dtype == f.dtype
                && Arrays.equals(hash, f.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }
}
