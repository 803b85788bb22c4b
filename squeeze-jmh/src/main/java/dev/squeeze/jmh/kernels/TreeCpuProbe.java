package dev.squeeze.jmh.kernels;

import com.sun.management.OperatingSystemMXBean;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.Session;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Token Recycling's verification forward of a few nodes, timed in the process's CPU time (for a shared machine):
 * for each node count T, {@code reps} verifications of a chain of T random tokens after a 16-token context, each
 * accepting its root (so the position advances as in generation), least CPU seconds of {@code rounds} rounds (after
 * one untimed round), as
 * CPU-milliseconds per verification. Not a JMH benchmark; after packaging -Pjmh: {@code java --add-modules
 * jdk.incubator.vector -cp squeeze-jmh/target/squeeze-jmh.jar dev.squeeze.jmh.kernels.TreeCpuProbe MODEL.gguf
 * [nodes=3,6,10] [rounds=5] [reps=100]}.
 */
public final class TreeCpuProbe {
    private TreeCpuProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 4)
            throw new IllegalArgumentException(
                    "usage: TreeCpuProbe MODEL.gguf [nodes=3,6,10] [rounds=5] [reps=100], got " + args.length
                            + " arguments");
        String[] nodes = (args.length > 1 ? args[1] : "3,6,10").split(",");
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (LlamaModel m = ModelLoader.load(Path.of(args[0]), null)) {
            int vocab = m.config().vocabSize();
            Random r = new Random(1);
            int[] context = new int[16];
            for (int i = 0; i < context.length; i++) context[i] = 1 + r.nextInt(vocab - 1);
            for (String n : nodes) {
                int T = Integer.parseInt(n.trim());
                int[] chain = new int[T], parents = new int[T];
                for (int i = 0; i < T; i++) {
                    chain[i] = 1 + r.nextInt(vocab - 1);
                    parents[i] = i - 1;
                }
                double cpu = Double.MAX_VALUE;
                for (int round = -1; round < rounds; round++) { // round -1 warms the code up, untimed
                    Session s = m.newSession();
                    s.prefill(context, false);
                    long c0 = os.getProcessCpuTime();
                    for (int i = 0; i < reps; i++) {
                        s.verifyTree(chain, parents);
                        s.acceptTree(new int[] {0});
                    }
                    if (round >= 0) cpu = Math.min(cpu, (os.getProcessCpuTime() - c0) / 1e9);
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s: verification of %d nodes, least of %d rounds of %d: %.3f CPU-ms each%n",
                        Path.of(args[0]).getFileName(),
                        T,
                        rounds,
                        reps,
                        1e3 * cpu / reps);
            }
        }
    }
}
