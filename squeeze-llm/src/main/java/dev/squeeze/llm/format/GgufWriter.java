package dev.squeeze.llm.format;

import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.Blocks;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.KQuants;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.tokenizer.SentencePieceTokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes GGUF v3 files: metadata, tensor infos, aligned tensor data streamed tensor by tensor (so a
 * multi-gigabyte random model never sits in memory). Used by tests (stories260K converted to GGUF) and by
 * the speed benchmark (random-weight Llama models of any size).
 */
public final class GgufWriter {
    /** Produces a tensor's bytes, exactly {@code type.bytesFor(elements)} of them. */
    @FunctionalInterface
    public interface TensorData {
        void write(Sink sink) throws IOException;
    }

    private record Meta(int type, Object value) {}

    private record Tensor(String name, GgmlType type, long[] dims, TensorData data, long bytes) {}

    private final Map<String, Meta> meta = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private int alignment = 32;

    public GgufWriter alignment(int a) {
        if (a <= 0 || Integer.bitCount(a) != 1)
            throw new IllegalArgumentException("alignment must be a power of two, got " + a);
        alignment = a;
        return put("general.alignment", 4, (long) a);
    }

    public GgufWriter putString(String key, String v) {
        return put(key, 8, v);
    }

    public GgufWriter putU32(String key, long v) {
        return put(key, 4, v);
    }

    public GgufWriter putF32(String key, float v) {
        return put(key, 6, v);
    }

    public GgufWriter putStrings(String key, String[] v) {
        return put(key, 9, v);
    }

    public GgufWriter putFloats(String key, float[] v) {
        return put(key, 9, v);
    }

    public GgufWriter putInts(String key, int[] v) {
        return put(key, 9, v);
    }

    private GgufWriter put(String key, int type, Object v) {
        meta.put(key, new Meta(type, v));
        return this;
    }

    /** Adds a tensor; dims as GGUF stores them (dims[0] = row length). */
    public GgufWriter tensor(String name, GgmlType type, long[] dims, TensorData data) {
        long n = 1;
        for (long d : dims) n *= d;
        tensors.add(new Tensor(name, type, dims.clone(), data, type.bytesFor(n)));
        return this;
    }

    /** A (rows, cols) matrix or (cols) vector of floats encoded as {@code type}. */
    public GgufWriter floats(String name, GgmlType type, int rows, int cols, float[] values) {
        long[] dims = rows == 1 && values.length == cols ? new long[] {cols} : new long[] {cols, rows};
        return tensor(name, type, dims, sink -> sink.put(encode(type, values, 0, values.length)));
    }

    /** Encodes floats as F32, F16, BF16, Q8_0, Q4_0, Q4_K or Q6_K. */
    public static byte[] encode(GgmlType type, float[] x, int off, int n) {
        return switch (type) {
            case F32 -> {
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) b.putFloat(x[off + i]);
                yield b.array();
            }
            case F16, BF16 -> {
                ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    b.putShort(
                            type == GgmlType.F16
                                    ? Float.floatToFloat16(x[off + i])
                                    : (short) ((Float.floatToRawIntBits(x[off + i]) + 0x8000) >>> 16));
                }
                yield b.array();
            }
            case Q8_0 -> Blocks.quantizeQ8_0(x, off, n);
            case Q4_0 -> Blocks.quantizeQ4_0(x, off, n);
            case Q4_K -> KQuants.quantizeQ4_K(x, off, n);
            case Q6_K -> KQuants.quantizeQ6_K(x, off, n);
            default -> throw new IllegalArgumentException("the writer cannot encode " + type);
        };
    }

    public void write(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Sink s = new Sink(ch);
            s.putInt(GgufFile.MAGIC);
            s.putInt(3);
            s.putLong(tensors.size());
            s.putLong(meta.size());
            for (var e : meta.entrySet()) {
                s.putString(e.getKey());
                writeValue(s, e.getValue().type(), e.getValue().value());
            }
            long offset = 0;
            for (Tensor t : tensors) {
                s.putString(t.name());
                s.putInt(t.dims().length);
                for (long d : t.dims()) s.putLong(d);
                s.putInt(t.type().id());
                s.putLong(offset);
                offset = align(offset + t.bytes());
            }
            s.pad(alignment);
            for (Tensor t : tensors) {
                long start = s.written;
                t.data().write(s);
                if (s.written - start != t.bytes()) {
                    throw new IllegalStateException(
                            "tensor '" + t.name() + "' wrote " + (s.written - start) + " bytes, expected " + t.bytes());
                }
                s.pad(alignment);
            }
            s.flush();
        }
    }

    private long align(long x) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private static void writeValue(Sink s, int type, Object v) throws IOException {
        s.putInt(type);
        switch (type) {
            case 4 -> s.putInt((int) (long) (Long) v);
            case 6 -> s.putFloat((Float) v);
            case 8 -> s.putString((String) v);
            case 9 -> {
                if (v instanceof String[] a) {
                    s.putInt(8);
                    s.putLong(a.length);
                    for (String x : a) s.putString(x);
                } else if (v instanceof float[] a) {
                    s.putInt(6);
                    s.putLong(a.length);
                    for (float x : a) s.putFloat(x);
                } else if (v instanceof int[] a) {
                    s.putInt(5);
                    s.putLong(a.length);
                    for (int x : a) s.putInt(x);
                } else throw new IllegalArgumentException("unsupported array " + v.getClass());
            }
            default -> throw new IllegalArgumentException("unsupported metadata type " + type);
        }
    }

    /** Buffered little-endian output that counts bytes. */
    public static final class Sink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Sink(FileChannel ch) {
            this.ch = ch;
        }

        void room(int n) throws IOException {
            if (buf.remaining() < n) flush();
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
        }

        public void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
            written += 4;
        }

        public void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
            written += 8;
        }

        public void putFloat(float v) throws IOException {
            room(4);
            buf.putFloat(v);
            written += 4;
        }

        public void put(byte[] b) throws IOException {
            int off = 0;
            while (off < b.length) {
                if (!buf.hasRemaining()) flush();
                int n = Math.min(buf.remaining(), b.length - off);
                buf.put(b, off, n);
                off += n;
            }
            written += b.length;
        }

        void putString(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putLong(b.length);
            put(b);
        }

        void pad(int alignment) throws IOException {
            long pad = (alignment - written % alignment) % alignment;
            put(new byte[(int) pad]);
        }
    }

    // ---------------------------------------------------------------- model helpers

    /**
     * llama.cpp's {@code general.file_type} (its {@code llama_ftype}) for a model whose 2-D weights are {@code type}:
     * ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_Q4_K_S 14 (every matrix Q4_K), MOSTLY_Q6_K 18,
     * MOSTLY_BF16 32.
     */
    public static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 14;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("the writer cannot encode " + type);
        };
    }

    /** Llama metadata for config c (architecture "llama"). */
    public GgufWriter llamaConfig(LlamaConfig c, String name) {
        if (c.ropeStyle() != RopeStyle.INTERLEAVED)
            throw new IllegalArgumentException("the GGUF llama layout uses interleaved RoPE");
        putString("general.architecture", "llama");
        putString("general.name", name);
        putU32("llama.context_length", c.seqLen());
        putU32("llama.embedding_length", c.dim());
        putU32("llama.block_count", c.nLayers());
        putU32("llama.feed_forward_length", c.hiddenDim());
        putU32("llama.attention.head_count", c.nHeads());
        putU32("llama.attention.head_count_kv", c.nKvHeads());
        putU32("llama.rope.dimension_count", c.headDim());
        putF32("llama.attention.layer_norm_rms_epsilon", c.rmsEps());
        putF32("llama.rope.freq_base", c.ropeTheta());
        return this;
    }

    /** SentencePiece tokenizer metadata ("llama" model): spaces written as U+2581. */
    public GgufWriter sentencePiece(SentencePieceTokenizer tok, boolean spacesAsMarker) {
        int n = tok.vocabSize();
        String[] pieces = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String p = tok.piece(i);
            boolean bytePiece = p.length() == 6 && p.startsWith("<0x") && p.endsWith(">");
            pieces[i] = spacesAsMarker && !bytePiece ? p.replace(' ', '\u2581') : p;
            scores[i] = tok.score(i);
            types[i] = i == tok.bos() || i == tok.eos() ? 3 : bytePiece ? 6 : 1;
        }
        putString("tokenizer.ggml.model", "llama");
        putStrings("tokenizer.ggml.tokens", pieces);
        putFloats("tokenizer.ggml.scores", scores);
        putInts("tokenizer.ggml.token_type", types);
        putU32("tokenizer.ggml.bos_token_id", tok.bos());
        putU32("tokenizer.ggml.eos_token_id", tok.eos());
        return this;
    }

    /**
     * Converts a loaded model: 2-D weights as {@code matrixType} where their row length allows it (a
     * multiple of the block size), else F32 (as llama.cpp does); norms F32.
     */
    public static GgufWriter fromModel(LlamaModel m, GgmlType matrixType) {
        GgufWriter w = new GgufWriter().llamaConfig(m.config(), m.source());
        w.putU32("general.file_type", fileType(matrixType));
        if (m.hasTokenizer() && m.tokenizer() instanceof SentencePieceTokenizer sp) w.sentencePiece(sp, true);
        var weights = m.weights();
        w.matrix("token_embd.weight", weights.tokenEmbedding(), matrixType);
        for (int l = 0; l < m.config().nLayers(); l++) {
            var L = weights.layers().get(l);
            String p = "blk." + l + ".";
            w.floats(p + "attn_norm.weight", GgmlType.F32, 1, L.attnNorm().length, L.attnNorm());
            w.matrix(p + "attn_q.weight", L.wq(), matrixType);
            w.matrix(p + "attn_k.weight", L.wk(), matrixType);
            w.matrix(p + "attn_v.weight", L.wv(), matrixType);
            w.matrix(p + "attn_output.weight", L.wo(), matrixType);
            w.floats(p + "ffn_norm.weight", GgmlType.F32, 1, L.ffnNorm().length, L.ffnNorm());
            w.matrix(p + "ffn_gate.weight", L.w1(), matrixType);
            w.matrix(p + "ffn_down.weight", L.w2(), matrixType);
            w.matrix(p + "ffn_up.weight", L.w3(), matrixType);
        }
        w.floats("output_norm.weight", GgmlType.F32, 1, weights.finalNorm().length, weights.finalNorm());
        if (!weights.tiedClassifier()) w.matrix("output.weight", weights.classifier(), matrixType);
        return w;
    }

    private GgufWriter matrix(String name, WeightTensor t, GgmlType type) {
        GgmlType use = t.cols() % type.blockSize() == 0 ? type : GgmlType.F32;
        return tensor(name, use, new long[] {t.cols(), t.rows()}, sink -> {
            float[] row = new float[t.cols()];
            for (int r = 0; r < t.rows(); r++) {
                t.copyRow(r, row, 0);
                sink.put(encode(use, row, 0, row.length));
            }
        });
    }

    /**
     * A random-weight Llama of config c (uniform weights scaled by 1/sqrt(fan-in), norms 1), no tokenizer: for
     * the loader and runtime tests and the speed benchmarks (squeeze-eval's {@code LlmSpeed} and
     * {@code BenchModels}). Generated row by row while writing.
     */
    public static GgufWriter randomLlama(LlamaConfig c, GgmlType matrixType, long seed) {
        GgufWriter w = new GgufWriter().llamaConfig(c, "random-llama");
        w.putU32("general.file_type", fileType(matrixType));
        long[] s = {seed};
        w.random("token_embd.weight", c.vocabSize(), c.dim(), matrixType, s[0]++);
        float[] ones = new float[c.dim()];
        java.util.Arrays.fill(ones, 1f);
        for (int l = 0; l < c.nLayers(); l++) {
            String p = "blk." + l + ".";
            w.floats(p + "attn_norm.weight", GgmlType.F32, 1, c.dim(), ones);
            w.random(p + "attn_q.weight", c.qDim(), c.dim(), matrixType, s[0]++);
            w.random(p + "attn_k.weight", c.kvDim(), c.dim(), matrixType, s[0]++);
            w.random(p + "attn_v.weight", c.kvDim(), c.dim(), matrixType, s[0]++);
            w.random(p + "attn_output.weight", c.dim(), c.qDim(), matrixType, s[0]++);
            w.floats(p + "ffn_norm.weight", GgmlType.F32, 1, c.dim(), ones);
            w.random(p + "ffn_gate.weight", c.hiddenDim(), c.dim(), matrixType, s[0]++);
            w.random(p + "ffn_down.weight", c.dim(), c.hiddenDim(), matrixType, s[0]++);
            w.random(p + "ffn_up.weight", c.hiddenDim(), c.dim(), matrixType, s[0]++);
        }
        w.floats("output_norm.weight", GgmlType.F32, 1, c.dim(), ones);
        w.random("output.weight", c.vocabSize(), c.dim(), matrixType, s[0]);
        return w;
    }

    private void random(String name, int rows, int cols, GgmlType type, long seed) {
        tensor(name, type, new long[] {cols, rows}, sink -> {
            // rows are drawn from per-row generators and encoded in parallel batches (k-quant encoding is a
            // search), then written in order: the file does not depend on the thread count
            float scale = (float) (1.0 / Math.sqrt(cols));
            int batch = 256;
            byte[][] encoded = new byte[batch][];
            for (int r0 = 0; r0 < rows; r0 += batch) {
                int n = Math.min(batch, rows - r0), first = r0;
                java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
                    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
                    float[] row = new float[cols];
                    for (int k = 0; k < cols; k++) row[k] = (float) (rnd.nextDouble() * 2 - 1) * scale;
                    encoded[i] = encode(type, row, 0, cols);
                });
                for (int i = 0; i < n; i++) sink.put(encoded[i]);
            }
        });
    }
}
