package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.Row;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.eval.RecordingContext;
import dev.squeeze.kv.StoriesFixture;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "kv" suite is found by ServiceLoader and writes the promised row fields (a one-window quant run on stories260K,
 * the fast test model, given through the suite's model= option), and refuses windows past the model's context.
 */
class KvBenchSuiteTest {
    static Map<String, String> stories260K(String... kv) {
        Map<String, String> o = new HashMap<>();
        o.put("model", SharedData.require("models/stories260K.bin").toString());
        o.put("tokenizer", SharedData.require("models/tok512.bin").toString());
        for (int i = 0; i < kv.length; i += 2) o.put(kv[i], kv[i + 1]);
        return o;
    }

    @Test
    void quantTaskRowsCarryTheContractFields(@TempDir Path out) throws Exception {
        StoriesFixture.assume();
        BenchSuite suite = null;
        for (BenchSuite s : ServiceLoader.load(BenchSuite.class)) if (s.name().equals("kv")) suite = s;
        assertNotNull(suite, "suite 'kv' is not registered");
        RecordingContext ctx = new RecordingContext(
                out, SharedData.locate(), stories260K("quick", "true", "windows", "1", "tasks", "quant"));
        suite.run(ctx);
        assertFalse(ctx.rows.isEmpty());
        for (Row r : ctx.rows) {
            assertEquals("kv-quant", r.task());
            for (String k : new String[] {"method", "bits", "pplRatio", "agreement", "kl", "kvBytes", "fullKvBytes"})
                assertNotNull(r.get(k), k + " in " + r.values());
            assertTrue(
                    ((Number) r.get("kvBytes")).longValue() < ((Number) r.get("fullKvBytes")).longValue(),
                    r.values().toString());
        }
        Row kivi4 = ctx.rows.stream()
                .filter(r -> "kivi:bits=4".equals(r.get("spec")))
                .findFirst()
                .orElseThrow();
        assertEquals(1.0, ((Number) kivi4.get("pplRatio")).doubleValue(), 0.05);
        // the 2-bit search rows hold exactly the bytes KiviLayout predicts: head_dim 8, 192 tokens, 5 layers x 4 KV
        // heads
        Row searched = ctx.rows.stream()
                .filter(r -> "kivi:bits=2,group=16,residual=0,residualDtype=fp32".equals(r.get("spec")))
                .findFirst()
                .orElseThrow();
        assertEquals(
                20 * new KiviLayout(2, 16, 0, false, 8).bytes(192), ((Number) searched.get("kvBytes")).longValue());
        assertTrue(ctx.plots.stream()
                .anyMatch(p -> p.task().equals("kv-tinystories") && p.x().equals("keep") && p.y().equals("pplRatio")));
        assertTrue(
                ctx.notes.stream().anyMatch(n -> n.startsWith("kv: stories260K, trained context seq_len 512")),
                ctx.notes.toString());
    }

    @Test
    void aWindowPastTheTrainedContextIsRefusedNotRun(@TempDir Path out) {
        StoriesFixture.assume();
        RecordingContext ctx =
                new RecordingContext(out, SharedData.locate(), stories260K("window", "513", "tasks", "quant"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KvBenchSuite().run(ctx));
        assertTrue(e.getMessage().contains("window=513") && e.getMessage().contains("seq_len 512"), e.getMessage());
        assertTrue(ctx.rows.isEmpty());
    }

    @Test
    void unknownTasksAndBadCountsAreNamed(@TempDir Path out) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new KvBenchSuite()
                        .run(new RecordingContext(out, SharedData.locate(), Map.of("tasks", "quant,anchors"))));
        assertTrue(e.getMessage().contains("'anchors'"), e.getMessage());
        StoriesFixture.assume();
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new KvBenchSuite()
                        .run(new RecordingContext(
                                out, SharedData.locate(), stories260K("tasks", "quant", "windows", "zero"))));
        assertEquals("option windows must be an integer, got 'zero'", e.getMessage());
    }
}
