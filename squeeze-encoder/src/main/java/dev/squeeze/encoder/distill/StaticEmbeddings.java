package dev.squeeze.encoder.distill;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Static token embeddings (Model2Vec, {@link Model2VecDistiller}) with the tokenizer they were distilled for: a vector
 * per vocabulary id, int8 with one float scale per row (scale 0: no vector, a token the distillation removed). A text's
 * embedding is the mean of its tokens' vectors (no special tokens), L2-normalised, as Model2Vec's StaticModel encodes.
 * The PCA mean and components are kept too, so an encoder output can be projected into the same space.
 *
 * <p>File (little-endian): {@code "SQSE" | u32 version = 1 | u32 n + metadata JSON | u32 n + tokenizer.json (gzip) |
 * u32 vocab | u32 dims | u32 input dims | f32 scale x vocab | i8 x vocab x dims | f32 mean x input dims |
 * f32 components x dims x input dims | u32 CRC32 of all bytes before}. Every length is checked before it is read.
 */
public final class StaticEmbeddings {
    private static final int MAGIC = 0x45535153; // "SQSE"
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode metadata;
    private final byte[] tokenizerJson;
    private final HfTokenizer tokenizer;
    private final int vocab, dims;
    private final float[] scale;
    private final byte[] data;
    private final Pca.Result pca;

    StaticEmbeddings(
            JsonNode metadata,
            byte[] tokenizerJson,
            HfTokenizer tokenizer,
            int vocab,
            int dims,
            float[] scale,
            byte[] data,
            Pca.Result pca) {
        this.metadata = metadata;
        this.tokenizerJson = tokenizerJson;
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.dims = dims;
        this.scale = scale;
        this.data = data;
        this.pca = pca;
    }

    /** Quantises float rows (vocab, dims): per row, scale = max |v| / 127, value = round(v / scale). */
    static StaticEmbeddings quantise(
            JsonNode metadata,
            byte[] tokenizerJson,
            HfTokenizer tokenizer,
            float[] rows,
            boolean[] present,
            int vocab,
            int dims,
            Pca.Result pca) {
        float[] scale = new float[vocab];
        byte[] q = new byte[vocab * dims];
        for (int i = 0; i < vocab; i++) {
            if (!present[i]) continue;
            float mx = 0;
            for (int j = 0; j < dims; j++) mx = Math.max(mx, Math.abs(rows[i * dims + j]));
            float s = mx == 0 ? Float.MIN_NORMAL : mx / 127f;
            scale[i] = s;
            for (int j = 0; j < dims; j++) q[i * dims + j] = (byte) Math.round(rows[i * dims + j] / s);
        }
        return new StaticEmbeddings(metadata, tokenizerJson, tokenizer, vocab, dims, scale, q, pca);
    }

    public JsonNode metadata() {
        return metadata;
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public int vocabSize() {
        return vocab;
    }

    public int dims() {
        return dims;
    }

    public Pca.Result pca() {
        return pca;
    }

    /** Whether token {@code id} has a vector. */
    public boolean has(int id) {
        return id >= 0 && id < vocab && scale[id] != 0f;
    }

    /** Adds {@code weight} x the vector of {@code id} to out[off, off + dims); false when the id has none. */
    public boolean addTo(int id, float weight, float[] out, int off) {
        if (!has(id)) return false;
        float s = scale[id] * weight;
        int base = id * dims;
        for (int j = 0; j < dims; j++) out[off + j] += s * data[base + j];
        return true;
    }

    /** The vector of one token id (zeros when it has none). */
    public float[] vector(int id) {
        float[] v = new float[dims];
        addTo(id, 1f, v, 0);
        return v;
    }

    /** Mean of the token vectors of {@code ids} that have one, L2-normalised (zeros when none has). */
    public float[] embedIds(int[] ids) {
        float[] v = new float[dims];
        int n = 0;
        for (int id : ids) if (addTo(id, 1f, v, 0)) n++;
        double norm = 0;
        for (float x : v) norm += x * (double) x;
        if (n == 0 || norm == 0) return v;
        float inv = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < dims; j++) v[j] *= inv;
        return v;
    }

    /** The embedding of a text: its tokens without special tokens, as {@link #embedIds}. */
    public float[] embed(String text) {
        return embedIds(tokenizer.encode(text, false).ids());
    }

    public byte[] toBytes() throws IOException {
        byte[] meta = JSON.writeValueAsBytes(metadata);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(tokenizerJson);
        }
        byte[] tok = gz.toByteArray();
        int d = pca.inputDims();
        int size = 4 * 3 + meta.length + 4 + tok.length + 12 + 4 * vocab + data.length + 4 * d + 4 * dims * d + 4;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC)
                .putInt(1)
                .putInt(meta.length)
                .put(meta)
                .putInt(tok.length)
                .put(tok);
        b.putInt(vocab).putInt(dims).putInt(d);
        for (float s : scale) b.putFloat(s);
        b.put(data);
        for (float m : pca.mean()) b.putFloat(m);
        for (float c : pca.components()) b.putFloat(c);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    public static StaticEmbeddings read(InputStream in, String source) throws IOException {
        return read(in.readAllBytes(), source);
    }

    public static StaticEmbeddings read(byte[] bytes, String source) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || b.getInt() != MAGIC)
            throw new IOException(source + ": not a squeeze static-embeddings file (magic SQSE)");
        int version = b.getInt();
        if (version != 1) throw new IOException(source + ": version " + version + " (1 is read)");
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        if ((int) crc.getValue() != stored)
            throw new IOException(source + ": CRC32 mismatch (file damaged or truncated)");
        byte[] meta = chunk(b, source, "metadata", bytes.length - 4);
        JsonNode metadata;
        try {
            metadata = JSON.readTree(meta);
        } catch (JacksonException e) {
            throw new IOException(source + ": metadata is not valid JSON: " + e.getOriginalMessage());
        }
        if (metadata == null || !metadata.isObject()) throw new IOException(source + ": metadata is not a JSON object");
        byte[] tokGz = chunk(b, source, "tokenizer", bytes.length - 4);
        byte[] tokJson;
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(tokGz))) {
            tokJson = z.readAllBytes();
        }
        HfTokenizer tokenizer = HfTokenizer.parse(tokJson, source + " (tokenizer.json)");
        if (bytes.length - 4 - b.position() < 12) throw new IOException(source + ": truncated before the table sizes");
        int vocab = b.getInt(), dims = b.getInt(), in = b.getInt();
        long need = 4L * vocab + (long) vocab * dims + 4L * in + 4L * dims * in;
        if (vocab <= 0 || dims <= 0 || in < dims || need != bytes.length - 4 - b.position()) {
            throw new IOException(source + ": tables of vocab " + vocab + " x dims " + dims + " (input " + in
                    + ") do not fill the " + (bytes.length - 4 - b.position()) + " bytes left");
        }
        if (vocab < tokenizer.vocabSize())
            throw new IOException(
                    source + ": " + vocab + " rows for a tokenizer of " + tokenizer.vocabSize() + " entries");
        float[] scale = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            scale[i] = b.getFloat();
            if (!(scale[i] >= 0) || !Float.isFinite(scale[i]))
                throw new IOException(source + ": row " + i + " has scale " + scale[i]);
        }
        byte[] data = new byte[vocab * dims];
        b.get(data);
        float[] mean = new float[in];
        for (int i = 0; i < in; i++) mean[i] = b.getFloat();
        float[] comp = new float[dims * in];
        for (int i = 0; i < comp.length; i++) comp[i] = b.getFloat();
        double[] var = new double[dims];
        JsonNode v = metadata.path("pcaVariances");
        for (int i = 0; i < dims && i < v.size(); i++) var[i] = v.get(i).asDouble();
        return new StaticEmbeddings(
                metadata,
                tokJson,
                tokenizer,
                vocab,
                dims,
                scale,
                data,
                new Pca.Result(mean, comp, var, metadata.path("pcaExplained").asDouble(Double.NaN)));
    }

    private static byte[] chunk(ByteBuffer b, String source, String what, int end) throws IOException {
        if (end - b.position() < 4) throw new IOException(source + ": truncated before the " + what + " length");
        int n = b.getInt();
        if (n < 0 || n > end - b.position())
            throw new IOException(source + ": " + what + " of " + n + " bytes runs past the end");
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    static ObjectNode newMetadata() {
        return JSON.createObjectNode();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
