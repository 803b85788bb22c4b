package dev.squeeze.eval.kv;

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

    @Test
    void twoBitArithmeticMatchesTheKiviStoreLayout() {
        // head_dim 8, l = 192: key 2 + 1 bytes, value 2 + 4 bytes per token; fp32 64
        var store = new dev.squeeze.kv.quant.KiviStore(8, 512, 2, 32, 32);
        var raw = new float[8];
        for (int i = 0; i < 192; i++) { raw[i % 8] = i; store.append(raw, 0, raw, 0, i); }
        assertEquals(store.bytes(), KvBenchSuite.kiviBytes(192, 32, 32, 3.0, 6.0, 4 * 8), 1e-9, "the formula is the store's real bytes");
        assertEquals(2560, KvBenchSuite.kiviBytes(192, 32, 32, 3.0, 6.0, 4 * 8), 1e-9);
        assertEquals(2048, KvBenchSuite.kiviBytes(192, 32, 32, 3.0, 6.0, 2 * 8), 1e-9, "fp16 residual: exactly 6x of 192 x 64");
        KvBenchSuite.TwoBitArithmetic a = KvBenchSuite.twoBitArithmetic(8, 192);
        assertEquals(3.0, a.keyBytes(), 0);
        assertEquals(6.0, a.valueBytes(), 0);
        assertEquals(64.0, a.fp32Bytes(), 0);
        assertEquals(64.0 / 9, a.ratioAllQuantised(), 1e-12);
        assertEquals(0, a.keyResidual(), "l a multiple of R: every key right after prefill is a 2-bit code");
        assertEquals(32, a.valueResidual());
        assertEquals(192 * 64 / 2560.0, a.ratioFp32Residual(), 1e-12);
        assertEquals(6.0, a.ratioFp16Residual(), 1e-12);
        assertEquals(32, a.largestRFp16());
        assertEquals(0, a.largestRFp32());
        // head_dim 128 (a Llama head): one value group of 32 channels per scale, 1/4 bit per value
        KvBenchSuite.TwoBitArithmetic big = KvBenchSuite.twoBitArithmetic(128, 192);
        assertEquals(32 + 16, big.keyBytes(), 0);
        assertEquals(32 + 16, big.valueBytes(), 0);
    }
}
