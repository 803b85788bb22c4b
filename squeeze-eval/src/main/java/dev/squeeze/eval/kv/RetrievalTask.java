package dev.squeeze.eval.kv;

import static dev.squeeze.eval.kv.KvBench.fmt;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.kv.merge.RetrievalHeads;
import dev.squeeze.llm.model.LlamaModel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrieval tasks of the kv suite, where a press must keep what the end of the sequence needs from far back,
 * each press compared with StreamingLLM at equal bytes:
 * <ul>
 *   <li>kv-recall: {@link NameRecall}, a character's name recalled at the end of a story (top-1 accuracy and
 *       perplexity ratio on the name's tokens only).</li>
 *   <li>kv-copy: a story passage of (window - 2) / 2 tokens repeated; accuracy on the second copy after the prompt
 *       (BOS + first copy + its first token) was compressed; the first copy's accuracy is what language modelling
 *       alone gives.</li>
 *   <li>kv-retrieval: the same copy task on the hand-built {@link InductionModel} (100 distinct random tokens).</li>
 * </ul>
 * Equal bytes: when a press holds a different number of bytes than StreamingLLM at the same keep (RazorAttention's
 * retrieval heads, the 4-byte sizes of merged entries), StreamingLLM is run again with a per-head budget of the same
 * bytes ({@code budget=N,decode=false}: the prompt compressed to N entries per head, nothing evicted while decoding,
 * as with keep) and both byte counts are reported.
 */
final class RetrievalTask {
    private static final Logger LOG = LoggerFactory.getLogger(RetrievalTask.class);
    /** The presses the issue compares (RazorAttention, EMS, KVzip, SnapKV), StreamingLLM, and two score presses. */
    static final String[] PRESSES = {"streamingllm", "h2o", "snapkv", "adakv", "kvzip", "ems", "razorattention"};
    /** Presses of the induction-model copy task (it needs no data and costs little: all of them). */
    static final String[] COPY_PRESSES = {
        "streamingllm",
        "h2o",
        "snapkv",
        "pyramidkv",
        "tova",
        "knorm",
        "keydiff",
        "expectedattention",
        "adakv",
        "kvzip",
        "random-kv",
        "ems",
        "razorattention"
    };

    /** What one press scored at one keep. */
    record Score(double accuracy, long bytes, String spec) {}

    private RetrievalTask() {}

    // ------------------------------------------------------------------ name recall

    static void nameRecall(KvBench b, int count) throws Exception {
        String task = "kv-recall";
        List<NameRecall.Item> items = NameRecall.items(
                b.model().tokenizer(), Files.readString(b.stories()), b.window(), b.ctxLen(), count, 1);
        if (items.isEmpty()) {
            b.ctx().note(task + ": no story in the text introduces a name that recurs after the context");
            return;
        }
        List<KvEval.Window> ws = NameRecall.windows(items);
        List<boolean[]> masks = NameRecall.masks(items);
        List<KvEval.Run> refs = b.references(ws);
        KvEval.Tally full = new KvEval.Tally();
        for (int i = 0; i < ws.size(); i++) full.add(refs.get(i), refs.get(i), masks.get(i));
        b.ctx()
                .add(Row.of(task)
                        .put("method", "full")
                        .put("keep", 1.0)
                        .put("accuracy", full.accuracy())
                        .put("kvBytes", full.kvBytes())
                        .put("fullKvBytes", full.kvBytes())
                        .put("predictions", full.count())
                        .put("windows", full.windowCount()));
        int names = items.stream().mapToInt(NameRecall.Item::count).sum();
        b.ctx()
                .note(String.format(
                        Locale.ROOT,
                        "%s: %d stories whose character's name (renamed to one of %d one-token TinyStories names) recurs in "
                                + "the last %d tokens of a %d-token window and appears in the first %d; %d name tokens scored; full-cache top-1 accuracy on them %.3f",
                        task,
                        items.size(),
                        NameRecall.singleTokenNames(b.model().tokenizer()).size(),
                        b.window() - b.ctxLen(),
                        b.window(),
                        b.ctxLen(),
                        names,
                        full.accuracy()));
        compare(
                b,
                task,
                (spec, keep) -> {
                    var s = KvEval.session(b.model(), spec);
                    KvEval.Tally t = KvEval.tally(ws, refs, masks, w -> KvEval.prefillThenDecode(s, w));
                    b.ctx()
                            .add(KvBench.row(task, method(spec), t)
                                    .put("keep", keep)
                                    .put("spec", spec)
                                    .put("accuracy", t.accuracy())
                                    .put("fullAccuracy", full.accuracy()));
                    return new Score(t.accuracy(), t.kvBytes(), spec);
                },
                b.ctxLen());
    }

    // ------------------------------------------------------------------ copy of a repeated passage

    static void storyCopy(KvBench b, int count) throws Exception {
        String task = "kv-copy";
        int len = (b.window() - 2) / 2;
        List<int[]> seqs = new ArrayList<>();
        for (int[] w : KvEval.windows(b.model().tokenizer(), b.stories(), len + 1, count, false))
            seqs.add(Arrays.copyOfRange(w, 1, len + 1));
        double[] full = KvEval.copyAccuracy(KvEval.session(b.model(), "none"), seqs);
        double firstCopy = KvEval.firstCopyAccuracy(KvEval.session(b.model(), "none"), seqs);
        b.ctx()
                .add(Row.of(task)
                        .put("method", "full")
                        .put("keep", 1.0)
                        .put("accuracy", full[0])
                        .put("kvBytes", (long) full[1])
                        .put("firstCopyAccuracy", firstCopy));
        double random = KvEval.copyAccuracy(
                KvEval.session(b.model(), "none"),
                KvEval.randomSequences(
                        Math.min(4, count), len, b.model().config().vocabSize(), 7))[0];
        b.ctx()
                .note(String.format(
                        Locale.ROOT,
                        "%s: %d story passages of %d tokens repeated (BOS + 2 x %d = %d positions); full-cache accuracy on the "
                                + "second copy %.3f, on the first copy (nothing to retrieve) %.3f; on random-token passages %.3f",
                        task,
                        seqs.size(),
                        len,
                        len,
                        2 * len + 1,
                        full[0],
                        firstCopy,
                        random));
        compare(
                b,
                task,
                (spec, keep) -> {
                    double[] acc = KvEval.copyAccuracy(KvEval.session(b.model(), spec), seqs);
                    b.ctx()
                            .add(Row.of(task)
                                    .put("method", method(spec))
                                    .put("keep", keep)
                                    .put("accuracy", acc[0])
                                    .put("fullAccuracy", full[0])
                                    .put("kvBytes", (long) acc[1])
                                    .put("fullKvBytes", (long) full[1])
                                    .put("spec", spec));
                    return new Score(acc[0], (long) acc[1], spec);
                },
                len + 2);
    }

    // ------------------------------------------------------------------ the hand-built induction model

    /** The copy task on {@link InductionModel}: needs no data; RazorAttention's probe finds its one induction head. */
    static void inductionModel(BenchContext ctx, int count) {
        String task = "kv-retrieval";
        List<int[]> seqs = KvEval.distinctSequences(count, 100, InductionModel.FIRST_CONTENT, InductionModel.VOCAB, 11);
        Map<String, double[]> copy = new LinkedHashMap<>(); // press@keep -> {accuracy, bytes}
        try (LlamaModel model = InductionModel.build();
                Progress p = ctx.progress(task, (long) PressTask.KEEPS.length * COPY_PRESSES.length)) {
            double[] full = KvEval.copyAccuracy(KvEval.session(model, "none"), seqs);
            ctx.add(Row.of(task)
                    .put("method", "full")
                    .put("keep", 1.0)
                    .put("accuracy", full[0])
                    .put("kvBytes", (long) full[1])
                    .put("fullKvBytes", (long) full[1]));
            var rh = RetrievalHeads.probe(model, 64, 0.14, 0.01, 0);
            ctx.note(String.format(
                    Locale.ROOT,
                    "kv-retrieval: copy task on the hand-built induction model (2 layers x 4 heads, head_dim 256; "
                            + "layer 1 head 0 is an induction head, the rest previous-token or local heads): 100 distinct tokens repeated, "
                            + "full-cache accuracy %.3f; RazorAttention's probe gives the induction head a score of %.2f and marks %.0f%% of KV heads as retrieval heads",
                    full[0],
                    rh.induction()[1][0],
                    100 * rh.kvFraction()));
            for (double keep : PressTask.KEEPS) {
                for (String press : COPY_PRESSES) {
                    // the induction model has no tokenizer (nor language) for KVzip's repeat prompt: the context alone
                    // is reconstructed
                    String spec = press + ":keep=" + keep + PressTask.extra(press)
                            + (press.equals("kvzip") ? ",lead=none" : "");
                    p.message(spec);
                    double[] acc = KvEval.copyAccuracy(KvEval.session(model, spec), seqs);
                    ctx.add(Row.of(task)
                            .put("method", press)
                            .put("keep", keep)
                            .put("accuracy", acc[0])
                            .put("fullAccuracy", full[0])
                            .put("kvBytes", (long) acc[1])
                            .put("fullKvBytes", (long) full[1])
                            .put("spec", spec));
                    copy.put(press + "@" + keep, acc);
                    p.step();
                }
                double[] sl = copy.get("streamingllm@" + keep);
                for (String m : new String[] {"razorattention", "ems", "kvzip"}) {
                    double[] a = copy.get(m + "@" + keep);
                    boolean equalMemory = a[1] <= 1.01 * sl[1];
                    ctx.note(String.format(
                            Locale.ROOT,
                            "kv-retrieval (induction model, keep %s): %s accuracy %.3f with %d bytes vs streamingllm %.3f with %d bytes: %s",
                            keep,
                            m,
                            a[0],
                            (long) a[1],
                            sl[0],
                            (long) sl[1],
                            a[0] > sl[0]
                                    ? (equalMemory
                                            ? "beats StreamingLLM at equal memory"
                                            : String.format(
                                                    Locale.ROOT,
                                                    "more accurate, but holds %.2fx the bytes",
                                                    a[1] / sl[1]))
                                    : "does NOT beat StreamingLLM"));
                }
            }
        }
    }

    // ------------------------------------------------------------------ probe report

    /** RazorAttention's probe on the model (random tokens, as the paper) and, for comparison, on a repeated story passage. */
    static void probeNote(KvBench b) throws Exception {
        RetrievalHeads random = RetrievalHeads.probe(b.model(), 64, 0.14, 0.01, 0);
        int[] text = Arrays.copyOfRange(
                KvEval.windows(b.model().tokenizer(), b.stories(), 65, 1, false).get(0), 1, 65);
        RetrievalHeads story = RetrievalHeads.probe(b.model(), text, 0.14, 0.01);
        b.ctx()
                .note(String.format(
                        Locale.ROOT,
                        "kv: RazorAttention's probe on %s (64 random tokens repeated, as the paper) marks %.0f%% of KV heads as "
                                + "retrieval heads: %s; top induction scores %s, top echo scores %s. The same probe on a repeated 64-token story passage: "
                                + "top induction %s, top echo %s",
                        b.modelName(),
                        100 * random.kvFraction(),
                        marked(random),
                        top(random.induction(), 5),
                        top(random.echo(), 3),
                        top(story.induction(), 5),
                        top(story.echo(), 3)));
    }

    /** The KV heads marked, as layer.head. */
    static String marked(RetrievalHeads rh) {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < rh.kvRetrieval().length; l++)
            for (int h = 0; h < rh.kvRetrieval()[l].length; h++) if (rh.isRetrieval(l, h)) out.add(l + "." + h);
        return String.join(" ", out);
    }

    /** The k largest scores as layer.head=score. */
    static String top(float[][] score, int k) {
        List<float[]> all = new ArrayList<>();
        for (int l = 0; l < score.length; l++)
            for (int h = 0; h < score[l].length; h++) all.add(new float[] {score[l][h], l, h});
        all.sort((x, y) -> Float.compare(y[0], x[0]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(k, all.size()); i++) {
            out.add(String.format(Locale.ROOT, "%d.%d=%.3f", (int) all.get(i)[1], (int) all.get(i)[2], all.get(i)[0]));
        }
        return String.join(" ", out);
    }

    // ------------------------------------------------------------------ equal bytes

    @FunctionalInterface
    interface Measure {
        Score run(String spec, double keep) throws Exception;
    }

    /**
     * Runs {@link #PRESSES} at every keep, then StreamingLLM at the bytes of each press whose bytes differ from
     * StreamingLLM's by more than 1 %, and notes which presses beat StreamingLLM at equal bytes.
     *
     * @param promptLength entries per head after the prompt (what keep is a fraction of)
     */
    static void compare(KvBench b, String task, Measure measure, int promptLength) throws Exception {
        List<String> verdicts = new ArrayList<>();
        try (Progress p = b.ctx().progress(task, (long) PressTask.KEEPS.length * (PRESSES.length + 2))) {
            for (double keep : PressTask.KEEPS) {
                Map<String, Score> at = new LinkedHashMap<>();
                for (String press : PRESSES) {
                    String spec = press + ":keep=" + keep + PressTask.extra(press);
                    p.message(spec);
                    at.put(press, measure.run(spec, keep));
                    LOG.info(
                            "{} {} accuracy {} bytes {}",
                            task,
                            spec,
                            fmt(at.get(press).accuracy()),
                            at.get(press).bytes());
                    p.step();
                }
                Score sl = at.get("streamingllm");
                for (var e : at.entrySet()) {
                    if (e.getKey().equals("streamingllm")) continue;
                    Score s = e.getValue(), base = sl;
                    if (Math.abs(s.bytes() - sl.bytes()) > 0.01 * sl.bytes()) {
                        int n = (int) Math.max(
                                1,
                                Math.min(
                                        promptLength, Math.round((double) s.bytes() / (b.kvHeads() * b.entryBytes()))));
                        base = measure.run("streamingllm:budget=" + n + ",decode=false", keep);
                        p.step();
                    }
                    verdicts.add(String.format(
                            Locale.ROOT,
                            "%s keep %s: %s %.3f (%d bytes) vs streamingllm %.3f (%d bytes)%s",
                            e.getKey(),
                            keep,
                            s.accuracy() > base.accuracy() ? "beats" : "does not beat",
                            s.accuracy(),
                            s.bytes(),
                            base.accuracy(),
                            base.bytes(),
                            base == sl ? "" : " [" + base.spec() + "]"));
                }
            }
        }
        b.ctx()
                .note("kv goal (" + task + ", " + b.modelName() + ", accuracy at equal bytes): "
                        + String.join("; ", verdicts));
    }

    /** The press name of a spec. */
    static String method(String spec) {
        String m = spec.substring(0, spec.indexOf(':'));
        return spec.startsWith("streamingllm:budget=") ? m + "-equal-bytes" : m;
    }
}
