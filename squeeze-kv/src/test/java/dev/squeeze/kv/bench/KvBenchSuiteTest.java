package dev.squeeze.kv.bench;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.BenchSuite;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.kv.StoriesFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/** The "kv" suite is found by ServiceLoader and writes the promised row fields (a one-window quant run). */
class KvBenchSuiteTest {
    @Test
    void quantTaskRowsCarryTheContractFields(@TempDir Path out) throws Exception {
        StoriesFixture.assume();
        BenchSuite suite = null;
        for (BenchSuite s : ServiceLoader.load(BenchSuite.class)) if (s.name().equals("kv")) suite = s;
        assertNotNull(suite, "suite 'kv' is not registered");
        List<Row> rows = new ArrayList<>();
        List<PlotSpec> plots = new ArrayList<>();
        BenchContext ctx = new BenchContext() {
            @Override public Path outDir() { return out; }
            @Override public Optional<Path> dataDir() { return SharedData.locate(); }
            @Override public Map<String, String> options() { return Map.of("quick", "true", "windows", "1", "tasks", "quant"); }
            @Override public void add(Row row) { rows.add(row); }
            @Override public void plot(PlotSpec spec) { plots.add(spec); }
            @Override public void note(String text) {}
            @Override public Progress progress(String task, long total) {
                return new Progress() {
                    @Override public void step() {}
                    @Override public void stepBy(long n) {}
                    @Override public void message(String text) {}
                    @Override public void close() {}
                };
            }
        };
        suite.run(ctx);
        assertFalse(rows.isEmpty());
        for (Row r : rows) {
            assertEquals("kv-quant", r.task());
            for (String k : new String[]{"method", "bits", "pplRatio", "agreement", "kl", "kvBytes", "fullKvBytes"}) assertNotNull(r.get(k), k + " in " + r.values());
            assertTrue(((Number) r.get("kvBytes")).longValue() < ((Number) r.get("fullKvBytes")).longValue(), r.values().toString());
        }
        Row kivi4 = rows.stream().filter(r -> "kivi:bits=4".equals(r.get("spec"))).findFirst().orElseThrow();
        assertEquals(1.0, ((Number) kivi4.get("pplRatio")).doubleValue(), 0.05);
        assertTrue(plots.stream().anyMatch(p -> p.task().equals("kv-tinystories") && p.x().equals("keep") && p.y().equals("pplRatio")));
    }
}
