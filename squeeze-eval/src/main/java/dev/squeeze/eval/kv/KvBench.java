package dev.squeeze.eval.kv;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.Row;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every task of the kv suite shares: the model, the window layout inside the model's trained context, the
 * window counts and the text files.
 *
 * @param model     the evaluation model (stories15M unless the options name another)
 * @param modelName what rows and notes call it
 * @param window    tokens per window, BOS included (at most the model's seq_len)
 * @param ctxLen    tokens prefilled and compressed (BOS included); the other window - ctxLen are teacher-forced
 * @param windows   windows of the prefill-then-decode tasks (tinystories, quant)
 * @param stories   tinystories-sample.txt (in-distribution text)
 * @param wiki      wikitext-2 test (the second text)
 */
record KvBench(
        BenchContext ctx,
        LlamaModel model,
        String modelName,
        int window,
        int ctxLen,
        int windows,
        Path stories,
        Path wiki) {

    boolean quick() {
        return ctx.quick();
    }

    /** An integer option in [min, max], or {@code fallback}. */
    int option(String key, int fallback, int min, int max) {
        return ctx.intOption(key, fallback, min, max);
    }

    /** Windows of {@link #window} tokens of a text, split at {@link #ctxLen}. */
    List<KvEval.Window> windows(Path file, boolean byLine, int n) throws Exception {
        List<KvEval.Window> ws = new ArrayList<>();
        for (int[] w : KvEval.windows(model.tokenizer(), file, window, n, byLine)) ws.add(KvEval.split(w, ctxLen));
        return ws;
    }

    /** The full cache's runs of the windows (the references every press is compared with). */
    List<KvEval.Run> references(List<KvEval.Window> ws) {
        Session full = KvEval.session(model, "none");
        List<KvEval.Run> refs = new ArrayList<>();
        for (KvEval.Window w : ws) refs.add(KvEval.prefillThenDecode(full, w));
        return refs;
    }

    /** Bytes of one cache entry (key + value, fp32) of one KV head. */
    long entryBytes() {
        return 2L * Float.BYTES * model.config().headDim();
    }

    /** KV heads of the whole model (layers x KV heads). */
    int kvHeads() {
        return model.config().nLayers() * model.config().nKvHeads();
    }

    static Row row(String task, String method, KvEval.Tally t) {
        Row r = Row.of(task)
                .put("method", method)
                .put("pplRatio", t.pplRatio())
                .put("agreement", t.agreement())
                .put("kl", t.kl())
                .put("kvBytes", t.kvBytes())
                .put("fullKvBytes", t.fullKvBytes())
                .put("byteRatio", (double) t.fullKvBytes() / Math.max(1, t.kvBytes()))
                .put("ppl", t.ppl())
                .put("pplFull", t.pplRef())
                .put("predictions", t.count())
                .put("windows", t.windowCount());
        if (Double.isFinite(t.nllDiffStdErr()))
            r.put("pplRatioLow", t.pplRatioLow()).put("pplRatioHigh", t.pplRatioHigh());
        return r;
    }

    static String interval(KvEval.Tally t) {
        return Double.isFinite(t.nllDiffStdErr())
                ? String.format(
                        Locale.ROOT,
                        " (95%% interval %.4f-%.4f over %d windows)",
                        t.pplRatioLow(),
                        t.pplRatioHigh(),
                        t.windowCount())
                : "";
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }
}
