package dev.squeeze.encoder.bench;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.OrtRunner;
import dev.squeeze.encoder.testing.RealSentences;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Throughput of the pure-Java encoder against ONNX Runtime on all-MiniLM-L6-v2 (the same ONNX file, the same token
 * ids, the same thread count): sentences sorted by length and cut into batches of {@code batch}; ONNX Runtime gets
 * each batch right-padded with an attention mask, the Java encoder the ragged batch. Rounds alternate the two engines;
 * reported per round: tokens/s (real tokens) by wall clock and by CPU time (the calling thread's when threads=1, where
 * ONNX Runtime also runs on the caller; the process's otherwise, which counts ONNX Runtime's spinning workers too),
 * and the medians of the per-round ratios. Arguments:
 * {@code threads=2 batch=32 rounds=5 sentences=1000}. Run from squeeze-encoder after test-compile (see PERFORMANCE.md).
 */
public final class EncoderSpeedMain {
    private static long cpu(boolean thread) {
        if (thread)
            return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int threads = 2, batch = 32, rounds = 5, sentences = 1000;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "threads":
                    threads = Integer.parseInt(kv[1]);
                    break;
                case "batch":
                    batch = Integer.parseInt(kv[1]);
                    break;
                case "rounds":
                    rounds = Integer.parseInt(kv[1]);
                    break;
                case "sentences":
                    sentences = Integer.parseInt(kv[1]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        List<String> texts = RealSentences.load(SharedData.require(""), sentences * 2 / 3, sentences / 3);
        try (EncoderModel java = EncoderModel.loadOnnx(
                        MiniLmFiles.onnx(), MiniLmFiles.tokenizerJson(), threads, KernelProvider.kernels());
                OrtRunner ort = new OrtRunner(MiniLmFiles.onnx(), threads)) {
            List<int[]> ids = new ArrayList<>();
            for (String t : texts) ids.add(java.ids(t));
            ids.sort(Comparator.comparingInt(a -> a.length));
            List<int[][]> batches = new ArrayList<>();
            long tokens = 0, padded = 0;
            for (int i = 0; i < ids.size(); i += batch) {
                int[][] b = ids.subList(i, Math.min(ids.size(), i + batch)).toArray(new int[0][]);
                batches.add(b);
                for (int[] r : b) tokens += r.length;
                padded += (long) b.length * b[b.length - 1].length;
            }
            System.out.printf(
                    "kernels %s, threads %d, %d sentences, %d tokens (%d with ORT's padding), batches of %d%n",
                    KernelProvider.kernels().name(), threads, ids.size(), tokens, padded, batch);
            for (int[][] b : batches.subList(0, Math.min(3, batches.size()))) { // warm-up
                java.encoder().forward(EncoderInput.of(b));
                ort.runPadded(b, 0);
            }
            double[] wall = new double[rounds], cpu = new double[rounds];
            boolean single = threads == 1;
            for (int r = 0; r < rounds; r++) {
                long c0 = cpu(single), t0 = System.nanoTime();
                for (int[][] b : batches) java.encoder().forward(EncoderInput.of(b));
                long c1 = cpu(single), t1 = System.nanoTime();
                for (int[][] b : batches) ort.runPadded(b, 0);
                long c2 = cpu(single), t2 = System.nanoTime();
                double jw = tokens / ((t1 - t0) / 1e9), ow = tokens / ((t2 - t1) / 1e9);
                double jc = tokens / ((c1 - c0) / 1e9), oc = tokens / ((c2 - c1) / 1e9);
                wall[r] = jw / ow;
                cpu[r] = jc / oc;
                System.out.printf(
                        "round %d: wall java %.0f / onnxruntime %.0f tokens/s (ratio %.2f); cpu java %.0f / onnxruntime %.0f tokens/cpu-s (ratio %.2f)%n",
                        r + 1, jw, ow, wall[r], jc, oc, cpu[r]);
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf(
                    "median ratio java / onnxruntime: wall %.2f, cpu %.2f (%s clock)%n",
                    wall[rounds / 2], cpu[rounds / 2], single ? "thread" : "process");
        }
    }
}
