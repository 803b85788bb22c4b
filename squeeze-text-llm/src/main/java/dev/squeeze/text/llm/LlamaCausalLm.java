package dev.squeeze.text.llm;

import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.runtime.SessionOptions;
import dev.squeeze.llm.tokenizer.Tokenizer;
import dev.squeeze.text.lm.CausalLm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * {@link CausalLm} over squeeze-llm's pure-Java Llama runtime (any model {@link ModelLoader} opens: llama2.c,
 * GGUF, safetensors), with the model's own tokenizer.
 *
 * <p>Scoring is teacher forcing: one {@link Session#prefill} of {@code [BOS, ids...]} with all logits, loss[i] =
 * -log softmax(logits[i])[ids[i]] in double. <b>Context policy</b>: {@link #contextLength()} = window - 1 tokens
 * (window = the model's seq_len, or the smaller {@code window} given, BOS takes one position);
 * {@link #tokenLosses} rejects longer input, and squeeze-text's {@code LmScores} cuts longer sequences into consecutive
 * non-overlapping windows each restarting after BOS, the protocol of {@link Perplexity#evaluate} with
 * {@code context = window} (so totals agree with it), and conditions on the end of a prefix that fits.
 *
 * <p>Thread-safe: each call opens its own {@link Session} (its own KV cache sized to the call); the model's
 * weights are read-only and its row pool serialises work between concurrent sessions.
 * The adapter owns the model when built by {@link #open}; {@link #close} releases its memory.
 */
public final class LlamaCausalLm implements CausalLm, AutoCloseable {
    private final LlamaModel model;
    private final Tokenizer tok;
    private final int window;
    private final boolean owned;

    /**
     * @param model  a loaded model with a tokenizer that has a BOS token
     * @param window tokens per scoring window including BOS, in [2, seq_len]; 0 = the model's seq_len
     */
    public LlamaCausalLm(LlamaModel model, int window) {
        this(model, window, false);
    }

    private LlamaCausalLm(LlamaModel model, int window, boolean owned) {
        this.model = Objects.requireNonNull(model, "model");
        if (!model.hasTokenizer()) throw new IllegalArgumentException("model " + model.source() + " has no tokenizer");
        this.tok = model.tokenizer();
        if (tok.bos() < 0) {
            throw new IllegalArgumentException("model " + model.source()
                    + ": its tokenizer has no BOS token; the causal-LM " + "methods score every token after BOS");
        }
        int seqLen = model.config().seqLen();
        if (window == 0) window = seqLen;
        if (window < 2 || window > seqLen) {
            throw new IllegalArgumentException(
                    "window must be in [2, " + seqLen + "] (the model's seq_len) or 0, got " + window);
        }
        this.window = window;
        this.owned = owned;
    }

    /** Loads a model (tokenizer may be null for formats that carry their own) and owns it. */
    public static LlamaCausalLm open(Path modelPath, Path tokenizerPath, int window) throws IOException {
        LlamaModel m = ModelLoader.load(modelPath, tokenizerPath);
        try {
            return new LlamaCausalLm(m, window, true);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public int[] encode(String text) {
        return tok.encode(text, false);
    }

    /** Decoded as if after BOS: a SentencePiece dummy-prefix space on the first token is dropped. */
    @Override
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int prev = tok.bos();
        for (int t : ids) {
            out.writeBytes(tok.decodeBytes(prev, t));
            prev = t;
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public float[] tokenLosses(int[] ids) {
        int n = ids.length;
        if (n > contextLength()) {
            throw new IllegalArgumentException(n + " tokens exceed the scoring window of " + contextLength()
                    + " tokens (" + window + " positions minus BOS) of " + model.source());
        }
        float[] loss = new float[n];
        if (n == 0) return loss;
        int[] input = new int[n]; // BOS, ids[0 .. n-1): logits row t predicts ids[t]
        input[0] = tok.bos();
        System.arraycopy(ids, 0, input, 1, n - 1);
        Session s = model.newSession(SessionOptions.builder().cacheCapacity(n).build());
        float[] logits = s.prefill(input, true).data(); // (n, vocab)
        int vocab = model.config().vocabSize();
        for (int t = 0; t < n; t++) {
            tok.checkToken(ids[t]);
            loss[t] = (float) -Perplexity.logSoftmaxAt(logits, t * vocab, vocab, ids[t]);
        }
        return loss;
    }

    @Override
    public int contextLength() {
        return window - 1;
    }

    @Override
    public void close() {
        if (owned) model.close();
    }
}
