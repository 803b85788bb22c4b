package dev.squeeze.eval.kv;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.kv.StoriesFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "kv" suite is found by ServiceLoader and writes the promised row fields (a one-window quant run on stories260K,
 * the fast test model, given through the suite's model= option), and refuses windows past the model's context.
 */
class KvBenchSuiteTest {
    static final class Collecting implements BenchContext {
        final Path out;
        final Map<String, String> options;
        final List<Row> rows = new ArrayList<>();
        final List<PlotSpec> plots = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Collecting(Path out, Map<String, String> options) {
            this.out = out;
            this.options = options;
        }

        @Override
        public Path outDir() {
            return out;
        }

        @Override
        public Optional<Path> dataDir() {
            return SharedData.locate();
        }

        @Override
        public Map<String, String> options() {
            return options;
        }

        @Override
        public void add(Row row) {
            rows.add(row);
        }

        @Override
        public void plot(PlotSpec spec) {
            plots.add(spec);
        }

        @Override
        public void note(String text) {
            notes.add(text);
        }

        @Override
        public Progress progress(String task, long total) {
            return new Progress() {
                @Override
                public void step() {}

                @Override
                public void stepBy(long n) {}

                @Override
                public void message(String text) {}

                @Override
                public void close() {}
            };
        }
    }

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
        Collecting ctx = new Collecting(out, stories260K("quick", "true", "windows", "1", "tasks", "quant"));
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
        Collecting ctx = new Collecting(out, stories260K("window", "513", "tasks", "quant"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KvBenchSuite().run(ctx));
        assertTrue(e.getMessage().contains("window=513") && e.getMessage().contains("seq_len 512"), e.getMessage());
        assertTrue(ctx.rows.isEmpty());
    }

    @Test
    void unknownTasksAndBadCountsAreNamed(@TempDir Path out) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new KvBenchSuite().run(new Collecting(out, Map.of("tasks", "quant,anchors"))));
        assertTrue(e.getMessage().contains("'anchors'"), e.getMessage());
        StoriesFixture.assume();
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new KvBenchSuite().run(new Collecting(out, stories260K("tasks", "quant", "windows", "zero"))));
        assertEquals("option windows must be an integer, got 'zero'", e.getMessage());
    }
}
