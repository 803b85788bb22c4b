package dev.squeeze.eval.llm;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import dev.squeeze.llm.spec.DraftTree;
import dev.squeeze.llm.spec.TokenRecycling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * {@code squeeze bench token-recycling}: Token Recycling against plain greedy decoding on stories15M over TinyStories
 * prompts (the first sentence of the sample's paragraphs, BOS first), {@code tokens} new tokens each, stopping at
 * EOS. For every draft tree, each prompt is decoded plainly and with Token Recycling in alternation (order swapped
 * every prompt); the texts must be identical (a row says whether they were). Reported: tokens per forward pass and
 * the wall-clock speed-up (sum of plain times / sum of Token Recycling times) with the machine's load. One matrix
 * per tree for all prompts, as the reference keeps one for a run.
 *
 * <p>Options: {@code prompts=40}, {@code tokens=200}, {@code threads=N} (default: cores), {@code trees=rank0-depth3,rank0,rank1,paper}
 * ({@code paper}: the reference's 80-node tree; {@code rankR}: its nodes whose candidate ranks are all <= R;
 * {@code rankR-depthD}: of those, the ones at most D deep).
 * {@code quick=true}: 8 prompts of 100 tokens.
 */
public final class TokenRecyclingSuite implements BenchSuite {
    static final String TASK = "token-recycling";

    @Override
    public String name() {
        return TASK;
    }

    @Override
    public String description() {
        return "Token Recycling (training-free speculative decoding) vs plain greedy decoding on stories15M: tokens per pass, speed-up";
    }

    /** A tree by name: "paper", "rankR" or "rankR-depthD" (the paper's nodes with ranks <= R and depth <= D). */
    static DraftTree tree(String name) {
        if (name.equals("paper")) return DraftTree.paper();
        var m = java.util.regex.Pattern.compile("rank([0-7])(?:-depth([1-6]))?").matcher(name);
        if (m.matches()) {
            DraftTree t = DraftTree.paper().maxRank(Integer.parseInt(m.group(1)));
            return m.group(2) == null ? t : t.maxDepth(Integer.parseInt(m.group(2)));
        }
        throw new IllegalArgumentException(
                "option trees: '" + name + "' is not 'paper', 'rankR' or 'rankR-depthD' (R 0-7, D 1-6)");
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        if (ctx.dataDir().isEmpty() || !Files.isRegularFile(ctx.dataDir().get().resolve("models/stories15M.bin"))) {
            ctx.note("token-recycling skipped: ../shared/data/models/stories15M.bin is absent");
            return;
        }
        Path data = ctx.dataDir().get();
        int prompts = Integer.parseInt(ctx.options().getOrDefault("prompts", ctx.quick() ? "8" : "40"));
        int max = Integer.parseInt(ctx.options().getOrDefault("tokens", ctx.quick() ? "100" : "200"));
        int threads =
                Integer.parseInt(ctx.options().getOrDefault("threads", String.valueOf(LlamaModel.defaultThreads())));
        String[] trees = ctx.options()
                .getOrDefault("trees", "rank0-depth3,rank0,rank1,paper")
                .split(",");
        for (String t : trees) tree(t.trim());
        try (LlamaModel m = Llama2cLoader.load(
                data.resolve("models/stories15M.bin"), data.resolve("models/tok32000.bin"), threads)) {
            List<int[]> inputs = prompts(m, data.resolve("text/tinystories-sample.txt"), prompts);
            IntPredicate stop =
                    t -> t == m.tokenizer().eos() || t == m.tokenizer().bos();
            Session plain = m.newSession(), spec = m.newSession();
            // warm-up (JIT) on a prompt not measured
            TokenRecycling.greedy(plain, inputs.get(0), 32, stop);
            new TokenRecycling(m.config().vocabSize(), tree(trees[0].trim())).generate(spec, inputs.get(0), 32, stop);
            try (Progress p = ctx.progress(TASK, (long) trees.length * inputs.size())) {
                for (String name : trees) {
                    TokenRecycling tr = new TokenRecycling(m.config().vocabSize(), tree(name.trim()));
                    long plainNs = 0, specNs = 0, tokens = 0, steps = 0;
                    int identical = 0;
                    MachineLoad before = MachineLoad.now(-1);
                    for (int i = 0; i < inputs.size(); i++) {
                        p.message(name + " prompt " + (i + 1));
                        int[] prompt = inputs.get(i);
                        long a = 0, b = 0;
                        int[] want = null;
                        TokenRecycling.Result r = null;
                        for (int order = 0; order < 2; order++) {
                            boolean plainNow = (order == 0) == (i % 2 == 0);
                            long t0 = System.nanoTime();
                            if (plainNow) want = TokenRecycling.greedy(plain, prompt, max, stop);
                            else r = tr.generate(spec, prompt, max, stop);
                            long dt = System.nanoTime() - t0;
                            if (plainNow) a = dt;
                            else b = dt;
                        }
                        plainNs += a;
                        specNs += b;
                        tokens += r.tokens().length;
                        steps += r.steps();
                        if (Arrays.equals(want, r.tokens())) identical++;
                        p.step();
                    }
                    MachineLoad after = MachineLoad.now(-1);
                    double speedup = plainNs / (double) specNs;
                    ctx.add(Row.of(TASK)
                            .put("method", "token-recycling")
                            .put("tree", name.trim())
                            .put("treeNodes", tr.tree().size() - 1)
                            .put("prompts", inputs.size())
                            .put("maxTokens", max)
                            .put("threads", threads)
                            .put("tokens", tokens)
                            .put("forwardPasses", steps)
                            .put("tokensPerPass", tokens / (double) steps)
                            .put("plainTokPerS", tokens / (plainNs / 1e9))
                            .put("recyclingTokPerS", tokens / (specNs / 1e9))
                            .put("speedup", speedup)
                            .put("identicalOutputs", identical)
                            .put("loadBefore", before.loadAverage())
                            .put("loadAfter", after.loadAverage())
                            .put("otherCores", after.otherCoresSince(before)));
                    ctx.note(String.format(
                            Locale.ROOT,
                            "token-recycling tree %s (%d nodes): %.2f tokens per pass, speed-up %.2fx over plain greedy "
                                    + "(%d prompts, %d tokens, %d threads), identical outputs %d/%d",
                            name.trim(),
                            tr.tree().size() - 1,
                            tokens / (double) steps,
                            speedup,
                            inputs.size(),
                            tokens,
                            threads,
                            identical,
                            inputs.size()));
                }
            }
        }
        ctx.note(
                "token-recycling goal (issue #14): >= 1.5x decode speed-up on stories15M greedy TinyStories continuations, identical text");
    }

    /** BOS + the first sentence of each of the first n paragraphs. */
    static List<int[]> prompts(LlamaModel m, Path text, int n) throws java.io.IOException {
        List<int[]> out = new ArrayList<>();
        for (String para : Files.readString(text).split("\\n\\s*\\n")) {
            String s = para.strip();
            if (s.isEmpty()) continue;
            int end = s.indexOf(". ");
            out.add(m.tokenizer().encode(end > 0 ? s.substring(0, end + 1) : s, true));
            if (out.size() == n) break;
        }
        return out;
    }
}
