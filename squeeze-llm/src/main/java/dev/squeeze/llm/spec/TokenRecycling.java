package dev.squeeze.llm.spec;

import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.runtime.Session;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Token Recycling (Luo et al., "Turning Trash into Treasure: Accelerating Inference of Large Language Models with
 * Token Recycling", ACL 2025, arXiv:2408.08696): training-free speculative decoding, greedy. Each step:
 * <ol>
 *   <li>a draft tree of the static shape {@link DraftTree} is filled breadth-first from the {@link AdjacencyMatrix}:
 *       the root is the last accepted token, a node is its parent token's rank-th stored successor;</li>
 *   <li>the whole tree is verified in one batched forward with a tree attention mask ({@link Session#verifyTree});</li>
 *   <li>starting at the root, the draft child equal to the model's greedy choice is accepted, as long as one exists;
 *       the model's choice after the last accepted node is the bonus token and the next root; the cache keeps only
 *       the accepted path ({@link Session#acceptTree});</li>
 *   <li>every tree node's top-k next tokens (accepted or not: the recycled "trash") overwrite its token's row.</li>
 * </ol>
 * The output equals plain greedy decoding; only the number of forward passes changes. The matrix persists across
 * calls (the reference keeps one matrix for a whole run), so later prompts start warm.
 */
public final class TokenRecycling {
    /** Candidates kept per token: k = 8, the paper's default. */
    public static final int CANDIDATES = 8;

    private final DraftTree tree;
    private final AdjacencyMatrix matrix;

    /** What a generation did. {@code tokensPerStep[i]}: tokens step i added (accepted drafts + 1). */
    public record Result(int[] tokens, int steps, int[] tokensPerStep) {
        /** Mean tokens per forward pass (the paper's mean accepted tokens). */
        public double meanTokensPerStep() {
            return steps == 0 ? 0 : Arrays.stream(tokensPerStep).sum() / (double) steps;
        }
    }

    public TokenRecycling(int vocab, DraftTree tree) {
        this.tree = tree;
        this.matrix = new AdjacencyMatrix(vocab, Math.max(CANDIDATES, tree.widestRank() + 1));
    }

    public DraftTree tree() {
        return tree;
    }

    public AdjacencyMatrix matrix() {
        return matrix;
    }

    /**
     * Greedy generation of up to {@code maxTokens} tokens after {@code prompt} on a fresh session (reset here),
     * stopping after a token for which {@code stop} holds (it is included) or when the context is full.
     */
    public Result generate(Session s, int[] prompt, int maxTokens, IntPredicate stop) {
        if (prompt == null || prompt.length == 0)
            throw new IllegalArgumentException("Token Recycling needs a prompt of at least one token");
        if (maxTokens <= 0) throw new IllegalArgumentException("max tokens must be > 0, got " + maxTokens);
        LlamaConfig c = s.model().config();
        s.reset();
        if (prompt.length > 1) s.prefill(Arrays.copyOf(prompt, prompt.length - 1), false);
        int root = prompt[prompt.length - 1];
        int[] out = new int[maxTokens];
        int[] perStep = new int[maxTokens];
        int produced = 0, steps = 0;
        int[] parents = tree.parents();
        int[] tokens = new int[tree.size()];
        int[] path = new int[tree.maxDepth() + 1];
        while (produced < maxTokens) {
            DraftTree t = fit(c.seqLen() - s.position(), s.cacheCapacity() - maxLength(s));
            if (t == null) break; // the context or the cache is full
            int n = t.size();
            int[] par = t == tree ? parents : t.parents();
            tokens[0] = root;
            for (int i = 1; i < n; i++) tokens[i] = matrix.candidate(tokens[par[i]], t.rank(i));
            float[] logits = s.verifyTree(Arrays.copyOf(tokens, n), par);
            int vocab = c.vocabSize();
            int len = 1, node = 0;
            path[0] = 0;
            int next = argmaxRow(logits, 0, vocab);
            while (true) {
                int child = -1;
                for (int i = node + 1; i < n; i++) {
                    if (par[i] == node && tokens[i] == next) {
                        child = i;
                        break;
                    }
                }
                if (child < 0) break;
                path[len++] = child;
                node = child;
                next = argmaxRow(logits, node, vocab);
            }
            s.acceptTree(Arrays.copyOf(path, len));
            for (int i = 0; i < n; i++) matrix.update(tokens[i], logits, i * vocab);
            steps++;
            // emitted this step: the accepted drafts, then the bonus token
            boolean stopped = false;
            int added = 0;
            for (int i = 1; i <= len && produced < maxTokens; i++) {
                int tok = i < len ? tokens[path[i]] : next;
                out[produced++] = tok;
                added++;
                if (stop.test(tok)) {
                    stopped = true;
                    break;
                }
            }
            perStep[steps - 1] = added;
            if (stopped) break;
            root = next;
        }
        return new Result(Arrays.copyOf(out, produced), steps, Arrays.copyOf(perStep, steps));
    }

    /**
     * Plain greedy decoding with the same stopping rule (the reference Token Recycling must reproduce): prefill the
     * prompt on a reset session, then one step per token, up to {@code maxTokens}, a token for which {@code stop}
     * holds (included) or the end of the context.
     */
    public static int[] greedy(Session s, int[] prompt, int maxTokens, IntPredicate stop) {
        s.reset();
        int vocab = s.model().config().vocabSize();
        float[] logits = s.prefill(prompt, false).data();
        int[] out = new int[maxTokens];
        int n = 0;
        while (n < maxTokens) {
            int t = argmaxRow(logits, 0, vocab);
            out[n++] = t;
            if (n == maxTokens
                    || stop.test(t)
                    || s.position() >= s.model().config().seqLen()) break;
            logits = s.step(t);
        }
        return Arrays.copyOf(out, n);
    }

    private static int maxLength(Session s) {
        int[][] lengths = s.cache().lengths();
        int m = 0;
        for (int[] row : lengths) for (int v : row) m = Math.max(m, v);
        return m;
    }

    /**
     * The tree cut by depth so that its deepest node's position stays inside the context ({@code positions} left)
     * and its nodes fit the cache ({@code entries} left); null when not even the root fits.
     */
    private DraftTree fit(int positions, int entries) {
        if (positions < 1 || entries < 1) return null;
        int d = Math.min(tree.maxDepth(), positions - 1);
        DraftTree t = d == tree.maxDepth() ? tree : tree.maxDepth(d);
        while (t.size() > entries) t = tree.maxDepth(--d); // depth 0 is the root alone, which fits
        return t;
    }

    private static int argmaxRow(float[] logits, int row, int vocab) {
        int off = row * vocab, best = 0;
        for (int i = 1; i < vocab; i++) if (logits[off + i] > logits[off + best]) best = i;
        return best;
    }
}
