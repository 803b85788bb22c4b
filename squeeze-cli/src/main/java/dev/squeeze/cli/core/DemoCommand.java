package dev.squeeze.cli.core;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.DpcKnn;
import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squeeze demo}: a token-reduction demo on a synthetic token set with known structure: N tokens
 * drawn around C well-separated concepts. A good reducer to C tokens keeps one token per concept.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Reduce a synthetic token set (N tokens around C concepts) with ToMe, DivPrune and DPC-KNN.")
final class DemoCommand implements Runnable {
    @Option(names = "--tokens", defaultValue = "576", description = "N tokens (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--concepts", defaultValue = "16", description = "C concepts (default ${DEFAULT-VALUE}).")
    int concepts;

    @Option(names = "--dim", defaultValue = "256", description = "Token width D (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Largest token set the demo builds: DPC-KNN's density step is O(N^2), and N x D floats live on the heap. */
    static final int MAX_TOKENS = 1 << 16, MAX_DIM = 1 << 14, MAX_FLOATS = 1 << 26;

    @Override
    public void run() {
        if (n <= 0 || n > MAX_TOKENS)
            throw new IllegalArgumentException("--tokens must be in [1, " + MAX_TOKENS + "], got " + n);
        if (dim <= 0 || dim > MAX_DIM)
            throw new IllegalArgumentException("--dim must be in [1, " + MAX_DIM + "], got " + dim);
        if ((long) n * dim > MAX_FLOATS) {
            throw new IllegalArgumentException(
                    "--tokens x --dim = " + (long) n * dim + " floats exceeds " + MAX_FLOATS + " (256 MiB)");
        }
        if (concepts <= 0 || concepts > n)
            throw new IllegalArgumentException("--concepts must be in [1, " + n + "], got " + concepts);
        Random r = new Random(seed);
        float[][] centre = new float[concepts][dim];
        for (float[] c : centre) for (int j = 0; j < dim; j++) c[j] = (float) r.nextGaussian();
        int[] label = new int[n];
        float[] data = new float[n * dim];
        for (int i = 0; i < n; i++) {
            label[i] = r.nextInt(concepts);
            for (int j = 0; j < dim; j++) data[i * dim + j] = centre[label[i]][j] + 0.3f * (float) r.nextGaussian();
        }
        TokenSet x = TokenSet.of(new FloatMatrix(n, dim, data));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%d tokens of width %d around %d concepts; reduce to %d tokens%n", n, dim, concepts, concepts);

        long t0 = System.nanoTime();
        TokenTransform tome = TokenTransform.identity(n);
        TokenSet cur = x;
        while (cur.size() > concepts) {
            int r1 = Math.min((cur.size() + 1) / 2 - 1, cur.size() - concepts);
            TokenTransform step = BipartiteSoftMatching.merge(cur.tokens(), cur.sizes(), r1, false);
            cur = step.apply(cur, PositionMode.WEIGHTED);
            tome = step.after(tome);
        }
        report(out, "tome (repeated bipartite merging)", tome, label, System.nanoTime() - t0);

        t0 = System.nanoTime();
        int[] picked = MaxMinDiversity.divPrune(x.tokens(), concepts);
        java.util.Arrays.sort(picked);
        report(out, "divprune (max-min diversity)", TokenTransform.select(n, picked), label, System.nanoTime() - t0);

        t0 = System.nanoTime();
        DpcKnn.Clustering cl = DpcKnn.cluster(x.tokens(), concepts, 5);
        report(out, "dpc-knn (density peaks merge)", cl.toTransform(x.sizes()), label, System.nanoTime() - t0);
        out.flush();
    }

    private void report(PrintWriter out, String name, TokenTransform t, int[] label, long nanos) {
        Set<Integer> covered = new HashSet<>();
        int pure = 0;
        for (int[] prov : t.provenance()) {
            Set<Integer> ls = new HashSet<>();
            for (int i : prov) ls.add(label[i]);
            covered.addAll(ls);
            if (ls.size() == 1) pure++;
        }
        out.printf(
                "  %-36s -> %3d tokens, %2d/%d concepts kept, %3d pure outputs, %.1f ms, %d stage(s)%n",
                name, t.outputCount(), covered.size(), concepts, pure, nanos / 1e6, t.stages());
    }
}
