package dev.squeeze.eval.kv;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.eval.llm.EvalModel;
import dev.squeeze.llm.model.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The "kv" suite: every press against the full cache on stories15M (head_dim 48, 6 layers x 6 heads, trained context
 * 256), or on the model the options name. Every window stays inside the model's trained context (seq_len); what a
 * protocol would need past it is reported in a note instead of being run.
 * <ul>
 *   <li>kv-tinystories / kv-wikitext ({@link PressTask}): 256-token windows, the first 192 prefilled and compressed at
 *       keep 0.5 / 0.25 / 0.125, the other 64 teacher-forced (63 scored predictions per window).</li>
 *   <li>kv-quant ({@link QuantTask}): the same protocol for quantised and low-rank caches (bits 4 and 2) and the 2-bit
 *       KIVI layout search.</li>
 *   <li>kv-decode ({@link DecodeBudgetTask}): 256 tokens fed one by one with a fixed per-layer budget of keep x 256.</li>
 *   <li>kv-recall, kv-copy, kv-retrieval ({@link RetrievalTask}): a name recalled at the end of a story, a repeated
 *       passage copied, and the copy task on the hand-built {@link InductionModel}; presses against StreamingLLM at
 *       equal bytes.</li>
 * </ul>
 * Every perplexity ratio carries a 95 % interval over windows (pplRatioLow / pplRatioHigh).
 *
 * <p>Options: {@code model=PATH tokenizer=PATH} (default ../shared/data's stories15M + tok32000), {@code window=N} (default
 * min(256, seq_len); more than seq_len is refused), {@code contextLen=N} (default 3/4 of the window),
 * {@code tasks=tinystories,wikitext,quant,decode,recall,copy,retrieval}, {@code windows=N} (default
 * {@value #WINDOWS}: prefix-compression windows of tinystories and quant), {@code wikiWindows=N} (default windows / 2),
 * {@code decodeWindows=N} (default {@value #DECODE_WINDOWS}), {@code recallItems=N} (default {@value #RECALL_ITEMS}),
 * {@code copySeqs=N} (default {@value #COPY_SEQS}), {@code quick=true} (a few of each); exploration:
 * {@code specs=a:keep={k};...}, {@code quantSpecs=method:spec;...}, {@code decodeSpecs=a:budget={b};...}.
 */
public final class KvBenchSuite implements BenchSuite {
    /** Default counts, chosen so that the whole suite runs in about an hour on the shared 2-core development machine. */
    static final int WINDOWS = 24, DECODE_WINDOWS = 6, RECALL_ITEMS = 40, COPY_SEQS = 12, INDUCTION_SEQS = 24;

    static final String ALL_TASKS = "tinystories,wikitext,quant,decode,recall,copy,retrieval";
    /** KVzip's repeat prompt (its reconstruction input starts with it). */
    static final String KVZIP_REPEAT = "Repeat the previous context:";

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public String description() {
        return "KV-cache presses on stories15M: perplexity ratio, agreement, KL and bytes vs the full cache; quantised caches and the 2-bit search; "
                + "fixed-budget decoding; name recall and copy tasks at equal bytes";
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        List<String> tasks =
                List.of(ctx.options().getOrDefault("tasks", ALL_TASKS).split(","));
        for (String t : tasks) {
            if (!List.of(ALL_TASKS.split(",")).contains(t.strip()))
                throw new IllegalArgumentException("option tasks: unknown task '" + t + "'; known: " + ALL_TASKS);
        }
        boolean quick = ctx.quick();
        // the induction model is built in code: this task needs no data
        if (tasks.contains("retrieval")) RetrievalTask.inductionModel(ctx, quick ? 4 : INDUCTION_SEQS);
        Optional<EvalModel> em = EvalModel.resolve(ctx, "model", "tokenizer");
        if (em.isEmpty()) {
            ctx.note("kv: " + EvalModel.DEFAULT_MODEL + " (or " + EvalModel.DEFAULT_TOKENIZER
                    + ") is absent from ../shared/data and no model= option "
                    + "was given; only the induction-model copy task was measured");
            return;
        }
        Path data = ctx.dataDir().orElse(Path.of("."));
        try (LlamaModel model = em.get().load()) {
            int seqLen = model.config().seqLen();
            int window = ctx.intOption("window", Math.min(256, seqLen), 8, Integer.MAX_VALUE);
            if (window > seqLen) {
                throw new IllegalArgumentException("option window=" + window + " needs positions past "
                        + em.get().name() + "'s trained context (seq_len " + seqLen
                        + "); windows must fit it: not run");
            }
            int ctxLen = ctx.intOption("contextLen", window * 3 / 4, 2, window - 2);
            KvBench b = new KvBench(
                    ctx,
                    model,
                    em.get().name(),
                    window,
                    ctxLen,
                    ctx.intOption("windows", quick ? 3 : WINDOWS, 1, 100_000),
                    data.resolve("text/tinystories-sample.txt"),
                    data.resolve("text/wikitext-2/test.txt"));
            if (!Files.isRegularFile(b.stories()))
                throw new IllegalArgumentException("kv: " + b.stories() + " is absent");
            ctx.note(contextNote(b));
            PressTask press = new PressTask(b);
            if (tasks.contains("tinystories"))
                press.run("kv-tinystories", b.stories(), false, b.windows(), PressTask.PRESSES, true);
            if (tasks.contains("wikitext") && Files.isRegularFile(b.wiki())) {
                press.run(
                        "kv-wikitext",
                        b.wiki(),
                        true,
                        b.option("wikiWindows", Math.max(2, b.windows() / 2), 1, 100_000),
                        PressTask.SECOND_TEXT_PRESSES,
                        false);
            }
            if (tasks.contains("quant")) new QuantTask(b).run();
            if (tasks.contains("decode"))
                new DecodeBudgetTask(b).run(b.option("decodeWindows", quick ? 2 : DECODE_WINDOWS, 1, 100_000));
            if (tasks.contains("recall"))
                RetrievalTask.nameRecall(b, b.option("recallItems", quick ? 4 : RECALL_ITEMS, 1, 100_000));
            if (tasks.contains("copy"))
                RetrievalTask.storyCopy(b, b.option("copySeqs", quick ? 2 : COPY_SEQS, 1, 100_000));
            RetrievalTask.probeNote(b);
            String m = b.modelName();
            ctx.plot(new PlotSpec(
                    "kv-tinystories",
                    "Perplexity ratio to the full cache vs keep (" + m + ", tinystories)",
                    "keep",
                    "pplRatio",
                    "method"));
            ctx.plot(new PlotSpec(
                    "kv-wikitext", "Perplexity ratio vs keep (" + m + ", wikitext-2)", "keep", "pplRatio", "method"));
            ctx.plot(new PlotSpec(
                    "kv-quant",
                    "Perplexity ratio vs bits (quantised and low-rank caches, " + m + ")",
                    "bits",
                    "pplRatio",
                    "method"));
            ctx.plot(new PlotSpec(
                    "kv-decode",
                    "Perplexity ratio vs keep, token by token with a fixed budget (" + m + ")",
                    "keep",
                    "pplRatio",
                    "method"));
            ctx.plot(new PlotSpec(
                    "kv-recall", "Name recall accuracy vs keep (" + m + ")", "keep", "accuracy", "method"));
            ctx.plot(new PlotSpec(
                    "kv-copy", "Copy of a repeated passage vs keep (" + m + ")", "keep", "accuracy", "method"));
        }
        if (tasks.contains("retrieval"))
            ctx.plot(new PlotSpec(
                    "kv-retrieval",
                    "Copy-task accuracy vs keep (hand-built induction model)",
                    "keep",
                    "accuracy",
                    "method"));
    }

    /** Where the protocols sit in the trained context, and what would need positions past it (not run). */
    static String contextNote(KvBench b) {
        int seqLen = b.model().config().seqLen(), c = b.ctxLen();
        int repeat = b.model().tokenizer().encode(KVZIP_REPEAT, false).length;
        int kvzipOnePass = c + repeat + c;
        return String.format(
                Locale.ROOT,
                "kv: %s, trained context seq_len %d. Windows of %d positions (BOS + %d tokens): %d prefilled + %d teacher-forced; "
                        + "token-by-token decoding over %d positions; copy passages of %d tokens (BOS + 2 copies = %d positions); name-recall windows of %d. "
                        + "Would need positions past %d, so not run: KVzip's reconstruction in one pass (%d cached + %d-token repeat prompt + %d = %d positions) "
                        + "runs in chunks that fit (its Algorithm 1's chunking, the chunk shrunk to the room left); prefixes longer than %d tokens "
                        + "(kvpress's 1k-128k-token benchmarks such as RULER and LongBench) are not measured on this model",
                b.modelName(),
                seqLen,
                b.window(),
                b.window() - 1,
                c,
                b.window() - c,
                b.window(),
                (b.window() - 2) / 2,
                2 * ((b.window() - 2) / 2) + 1,
                b.window(),
                seqLen,
                c,
                repeat,
                c,
                kvzipOnePass,
                seqLen - 64);
    }
}
