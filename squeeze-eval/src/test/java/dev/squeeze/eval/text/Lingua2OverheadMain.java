package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.lingua2.LlmLingua2Compressor;
import dev.squeeze.text.lingua2.OnnxTokenClassifier;
import java.nio.file.Path;

/**
 * LLMLingua-2 pipeline cost without model compute: the hand-built 2-label ONNX model (a few element-wise ops)
 * stands in for XLM-R, so what is timed is tokenisation, chunking, ONNX Runtime calls, word merging,
 * percentiles and detokenisation, the part the reference spends 1.39 s on for 48,706 tokens (ANCHORS).
 */
public final class Lingua2OverheadMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(Lingua2OverheadMain.class
                        .getResource("/lingua2/tiny-classifier.onnx")
                        .toURI())
                .getParent();
        String text = TextTasks.needle(SharedData.locate().orElseThrow(), new int[] {48706}, 1)
                .getFirst()
                .context();
        var mx = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (OnnxTokenClassifier m =
                OnnxTokenClassifier.load(dir.resolve("tiny-classifier.onnx"), dir.resolve("tokenizer.json"))) {
            LlmLingua2Compressor c = new LlmLingua2Compressor(m, LlmLingua2Compressor.Settings.reference());
            for (int round = 0; round < 4; round++) {
                long cpu = mx.getProcessCpuTime(), wall = System.nanoTime();
                CompressionResult r =
                        c.compress(CompressionRequest.builder(text).rate(0.33).build());
                System.out.printf(
                        "round %d: %d tokens -> %d, %.0f ms process CPU, %.0f ms wall%n",
                        round,
                        r.originTokens(),
                        r.compressedTokens(),
                        (mx.getProcessCpuTime() - cpu) / 1e6,
                        (System.nanoTime() - wall) / 1e6);
            }
        }
    }
}
