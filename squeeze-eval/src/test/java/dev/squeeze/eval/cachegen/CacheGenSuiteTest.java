package dev.squeeze.eval.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.Row;
import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.eval.RecordingContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite runs (quick, few windows, no big model, on stories260K) and its rows hold consistent values. With
 * -Dcachegen.bench.full=true it runs in full and prints every row (how docs/PERFORMANCE.md was measured when the
 * lead's harness was not on this branch).
 */
class CacheGenSuiteTest {

    @Test
    void quickRunProducesConsistentRows(@TempDir Path dir) throws Exception {
        boolean full = Boolean.getBoolean("cachegen.bench.full");
        Map<String, String> opts = new HashMap<>();
        if (DataAssumptions.present(
                "models/stories260K.bin")) { // the fast test model; the suite's default is stories15M
            opts.put("model", SharedData.require("models/stories260K.bin").toString());
            opts.put("tokenizer", SharedData.require("models/tok512.bin").toString());
        }
        if (!full) {
            opts.put("quick", "true");
            opts.put("windows", "2");
            opts.put("big", "false");
        }
        RecordingContext ctx = new RecordingContext(dir, SharedData.locate(), opts);
        new CacheGenSuite().run(ctx);
        if (full) {
            for (Row r : ctx.rows) System.out.println("ROW " + r.values());
            for (String n : ctx.notes) System.out.println("NOTE " + n);
        }
        if (!DataAssumptions.present("models/stories260K.bin")) {
            assertTrue(
                    ctx.rows.stream().noneMatch(r -> r.task().equals("size-quality")),
                    "no stories260K rows without the model");
            return;
        }
        List<Row> size =
                ctx.rows.stream().filter(r -> r.task().equals("size-quality")).toList();
        assertEquals(9, size.size());
        for (Row r : size) {
            double bpt = ((Number) r.get("bytesPerToken")).doubleValue();
            assertEquals(
                    ((Number) r.get("fp16BytesPerToken")).doubleValue() / bpt,
                    ((Number) r.get("ratioVsFp16")).doubleValue(),
                    1e-9);
            // stories260K: 2 x 5 layers x 32 values per token; KIVI-4bit 0.625 bytes per value
            assertEquals(640.0, ((Number) r.get("fp16BytesPerToken")).doubleValue());
            assertEquals(200.0, ((Number) r.get("kivi4BytesPerToken")).doubleValue());
            assertTrue(((Number) r.get("decodeMicrosPerToken")).doubleValue() > 0);
        }
        // finer levels cost more bytes
        assertTrue(((Number) size.get(0).get("bytesPerToken")).doubleValue()
                > ((Number) size.get(6).get("bytesPerToken")).doubleValue());
        Row load = ctx.rows.stream()
                .filter(r -> r.task().equals("load-vs-recompute"))
                .findFirst()
                .orElseThrow();
        assertEquals(256, load.get("tokens"), "a full window of min(256, seq_len) tokens");
        assertEquals(191, size.get(0).get("cachedTokens"));
        assertTrue(
                ctx.notes.stream().anyMatch(n -> n.contains("191 cached tokens, then 64 teacher-forced")),
                ctx.notes.toString());
    }
}
