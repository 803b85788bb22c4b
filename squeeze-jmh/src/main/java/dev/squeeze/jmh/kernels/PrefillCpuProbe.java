package dev.squeeze.jmh.kernels;

import com.sun.management.OperatingSystemMXBean;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * A whole prompt pass of a GGUF model timed in the process's CPU time rather than wall time, for a machine shared
 * with other work: the least CPU seconds (all threads) of {@code rounds} prefills of 128 random tokens on a fresh
 * session, as tokens per CPU-second (on an idle machine with the row pool's threads busy, wall time is about CPU
 * time / threads). Not a JMH benchmark; after packaging -Pjmh: {@code java --add-modules jdk.incubator.vector
 * -cp squeeze-jmh/target/squeeze-jmh.jar dev.squeeze.jmh.kernels.PrefillCpuProbe MODEL.gguf [rounds]}, e.g. on the
 * files {@code squeeze bench llm-vs-llamacpp --option models=DIR} writes.
 */
public final class PrefillCpuProbe {
    private PrefillCpuProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2)
            throw new IllegalArgumentException(
                    "usage: PrefillCpuProbe MODEL.gguf [rounds], got " + args.length + " arguments");
        int rounds = args.length == 2 ? Integer.parseInt(args[1]) : 5;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (LlamaModel m = ModelLoader.load(Path.of(args[0]), null)) {
            int[] ids = new int[128];
            Random r = new Random(1);
            for (int i = 0; i < ids.length; i++)
                ids[i] = 1 + r.nextInt(m.config().vocabSize() - 1);
            double cpu = Double.MAX_VALUE, wall = Double.MAX_VALUE;
            double[] rates = new double[rounds]; // wall tokens/s of each round: the slow rounds are part of the result
            for (int round = 0; round < rounds; round++) {
                var s = m.newSession();
                long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
                s.prefill(ids, false);
                double w = (System.nanoTime() - w0) / 1e9;
                cpu = Math.min(cpu, (os.getProcessCpuTime() - c0) / 1e9);
                wall = Math.min(wall, w);
                rates[round] = ids.length / w;
            }
            StringBuilder each = new StringBuilder();
            for (double rate : rates) each.append(String.format(Locale.ROOT, " %.1f", rate));
            double[] sorted = rates.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "wall tokens/s per round:%s (median %.1f)%n", each, sorted[rounds / 2]);
            System.out.printf(
                    Locale.ROOT,
                    "%s: prefill of %d tokens, least of %d: %.2f CPU-s (%.1f tokens per CPU-second), %.2f s wall%n",
                    Path.of(args[0]).getFileName(),
                    ids.length,
                    rounds,
                    cpu,
                    ids.length / cpu,
                    wall);
        }
    }
}
