package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.LexicalCompressor;
import dev.squeeze.text.TokenCounter;
import java.util.List;

/** Steady-state single-thread throughput of the default method on a 32k-token needle haystack (development aid). */
public final class PerfMain {
    static final java.lang.management.ThreadMXBean T = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        String example = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/rag-context.txt"));
        long w0 = System.nanoTime(), c0 = T.getCurrentThreadCpuTime();
        new LexicalCompressor()
                .compress(CompressionRequest.builder(example)
                        .rate(0.25)
                        .question("How long are backups kept?")
                        .build());
        System.out.printf(
                "first call in a fresh JVM (cl100k load + compress examples/rag-context.txt): %.0f ms wall, %.0f ms thread CPU%n",
                (System.nanoTime() - w0) / 1e6, (T.getCurrentThreadCpuTime() - c0) / 1e6);
        List<TextTasks.Example> ex = TextTasks.needle(SharedData.locate().orElseThrow(), new int[] {32000}, 3);
        String text = ex.get(1).context();
        TokenCounter c = TokenCounter.cl100k();
        LexicalCompressor m = new LexicalCompressor();
        int n = c.count(text);
        for (int round = 0; round < 3; round++) {
            long t0 = T.getCurrentThreadCpuTime();
            for (int i = 0; i < 20; i++) c.count(text);
            double count = (T.getCurrentThreadCpuTime() - t0) / 20e9;
            for (String q : new String[] {TextTasks.NEEDLE_QUESTION, null}) {
                for (double rate : new double[] {0.5, 0.1}) {
                    long t1 = T.getCurrentThreadCpuTime();
                    for (int i = 0; i < 10; i++)
                        m.compress(CompressionRequest.builder(text)
                                .rate(rate)
                                .question(q)
                                .build());
                    double s = (T.getCurrentThreadCpuTime() - t1) / 10e9;
                    System.out.printf(
                            "tokens=%d count-only=%.0f tok/s  compress(rate=%.1f, question=%b)=%.0f tok/s (%.1f ms)%n",
                            n, n / count, rate, q != null, n / s, s * 1e3);
                }
            }
        }
    }
}
