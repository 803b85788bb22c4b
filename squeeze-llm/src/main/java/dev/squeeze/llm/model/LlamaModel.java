package dev.squeeze.llm.model;

import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.TextEncoder;
import dev.squeeze.llm.runtime.HeapBudget;
import dev.squeeze.llm.runtime.RowParallel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.lang.foreign.Arena;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A loaded Llama-family model: config, weights (memory-mapped where quantised), tokenizer and a row pool
 * for its matrix products. Close it to unmap the file. Create one {@link Session} per sequence; sessions
 * of one model share its row pool and must be driven from one thread at a time. It is the KV API's
 * {@link KvModel}: presses are made for it ({@code Presses.create(spec, model)}) and may probe it.
 */
public final class LlamaModel implements AutoCloseable, KvModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final @Nullable Tokenizer tokenizer;
    private final Rope rope;
    private final ModelShape shape;
    private final RowParallel rows;
    private final @Nullable Arena arena;
    private final String source;

    public LlamaModel(
            LlamaConfig config,
            LlamaWeights weights,
            @Nullable Tokenizer tokenizer,
            @Nullable Arena arena,
            String source,
            int threads) {
        this.config = config;
        weights.check(config);
        if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary is " + config.vocabSize());
        }
        this.weights = weights;
        this.tokenizer = tokenizer;
        int positions = Math.min(config.seqLen(), Rope.TABLE_POSITIONS);
        HeapBudget.of("the model " + source)
                .add(
                        "RoPE cos/sin tables (min(seq_len " + config.seqLen() + ", " + Rope.TABLE_POSITIONS
                                + ") positions x head_dim " + config.headDim() + " / 2 x 2 tables x 4 B)",
                        positions,
                        config.headDim() / 2,
                        2,
                        4)
                .require();
        this.rope = new Rope(config, weights.ropeFreqFactors());
        this.shape = config.shape(weights.ropeFreqFactors());
        this.rows = new RowParallel(threads);
        this.arena = arena;
        this.source = source;
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    /** The tokenizer; throws if the model was loaded without one. */
    public Tokenizer tokenizer() {
        if (tokenizer == null) throw new IllegalStateException("model " + source + " was loaded without a tokenizer");
        return tokenizer;
    }

    public boolean hasTokenizer() {
        return tokenizer != null;
    }

    @Override
    public Rope rope() {
        return rope;
    }

    @Override
    public ModelShape shape() {
        return shape;
    }

    @Override
    public Optional<TextEncoder> textEncoder() {
        return tokenizer == null ? Optional.empty() : Optional.of(text -> tokenizer.encode(text, false));
    }

    /** A fresh session with only {@code observer} as its hook runs the tokens in one prefill. */
    @Override
    public void probe(int[] tokens, KvHook observer) {
        newSession(SessionOptions.builder().hook(observer).build()).prefill(tokens, false);
    }

    public RowParallel rowPool() {
        return rows;
    }

    /** Where the model came from (file name), for messages. */
    @Override
    public String source() {
        return source;
    }

    /**
     * This model with another tokenizer: the same weights and file mapping, whose ownership moves to the
     * returned model (close that one; this one must not be used afterwards).
     */
    public LlamaModel withTokenizer(Tokenizer t) {
        rows.close();
        return new LlamaModel(config, weights, t, arena, source, rows.threads());
    }

    public Session newSession() {
        return new Session(this, SessionOptions.defaults());
    }

    public Session newSession(SessionOptions options) {
        return new Session(this, options);
    }

    @Override
    public void close() {
        rows.close();
        if (arena != null) arena.close();
    }

    /** Default worker count: the machine's cores, capped at 16. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors()));
    }
}
