package dev.squeeze.eval.kv;

import static dev.squeeze.eval.kv.KvBench.fmt;
import static dev.squeeze.eval.kv.KvBench.row;

import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.llm.runtime.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kv-decode: token-by-token decoding with a fixed per-layer budget (the ANCHORS setting): each window is fed one
 * token at a time and the press holds keep x window entries per head at every step (no re-rotation); every
 * prediction is scored and bytes are the peak. Presses that compress at prefill only (SnapKV and its family,
 * KVzip, GemFilter) have no row here; kvpress's DecodingPress re-compression is the {@code decoding} rows.
 */
final class DecodeBudgetTask {
    private static final Logger LOG = LoggerFactory.getLogger(DecodeBudgetTask.class);
    static final String[] PRESSES = {
        "streamingllm", "h2o", "random-kv", "tova", "knorm", "keydiff", "expectedattention", "ems", "razorattention"
    };
    /** ANCHORS' figures, measured on stories260K (budgets 64 and 32): attached to rows of that model only. */
    static final Map<String, Double> STORIES260K_ANCHORS = Map.of(
            "streamingllm@64",
            1.032,
            "h2o@64",
            1.014,
            "random-kv@64",
            1.028,
            "streamingllm@32",
            1.097,
            "h2o@32",
            1.069,
            "random-kv@32",
            1.099);

    private final KvBench b;

    DecodeBudgetTask(KvBench b) {
        this.b = b;
    }

    static List<String> specs(int budget) {
        List<String> specs = new ArrayList<>();
        for (String press : PRESSES) specs.add(press + ":budget=" + budget);
        specs.add("decoding:press=h2o,budget=" + budget + ",every=16");
        // attention-free scorers have no recency protection of their own: also with the newest 16 kept
        for (String press : new String[] {"knorm", "keydiff", "expectedattention"})
            specs.add(press + ":budget=" + budget + ",recent=16,sinks=4");
        return specs;
    }

    void run(int n) throws Exception {
        String task = "kv-decode";
        List<int[]> wins = KvEval.windows(b.model().tokenizer(), b.stories(), b.window(), n, false);
        Session full = KvEval.session(b.model(), "none");
        List<KvEval.Run> refs = new ArrayList<>();
        for (int[] w : wins) refs.add(KvEval.tokenByToken(full, w));
        boolean anchors = b.modelName().equals("stories260K");
        String only = b.ctx().options().get("decodeSpecs");
        try (Progress p = b.ctx().progress(task, (long) PressTask.KEEPS.length * specs(1).size())) {
            for (double keep : PressTask.KEEPS) {
                int budget = (int) Math.floor(keep * b.window());
                List<String> specs = specs(budget);
                if (only != null) {
                    specs = new ArrayList<>();
                    for (String sp : only.split(";")) specs.add(sp.replace("{b}", String.valueOf(budget)));
                }
                for (String spec : specs) {
                    p.message(spec);
                    Session s = KvEval.session(b.model(), spec);
                    KvEval.Tally t = new KvEval.Tally();
                    for (int i = 0; i < wins.size(); i++) t.add(refs.get(i), KvEval.tokenByToken(s, wins.get(i)));
                    String method =
                            spec.substring(0, spec.indexOf(':')) + (spec.contains("recent=16") ? "+recent16" : "");
                    Row r = row(task, method, t)
                            .put("keep", keep)
                            .put("budget", budget)
                            .put("spec", spec);
                    Double a = anchors ? STORIES260K_ANCHORS.get(method + "@" + budget) : null;
                    if (a != null) r.put("anchorPplRatio", a).put("beatsAnchor", t.pplRatio() <= a);
                    b.ctx().add(r);
                    LOG.info("{} {} pplRatio {} peak bytes {}", task, spec, fmt(t.pplRatio()), t.kvBytes());
                    p.step();
                }
            }
        }
    }
}
