package dev.squeeze.eval.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.BenchSuite;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite is registered and its measurement runs end to end on a tiny model (no timing asserted). */
class LlmSpeedSuiteTest {

    @Test
    void registeredUnderItsName() {
        boolean found = false;
        for (BenchSuite s : ServiceLoader.load(BenchSuite.class))
            found |= s.name().equals("llm-speed");
        assertTrue(found);
    }

    @Test
    void measuresATinyRandomModel(@TempDir Path dir) throws Exception {
        LlamaConfig c = new LlamaConfig(64, 128, 2, 4, 2, 100, 64, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        LlmSpeed.Result r = LlmSpeed.measure(c, GgmlType.Q4_0, dir, 2, 16, 8, 2);
        assertEquals(LlmSpeed.parameters(c), r.parameters());
        assertTrue(r.fileBytes() > 0 && r.promptTokPerS() > 0 && r.decodeTokPerS() > 0 && r.decodeTokPerSCpu() > 0);
        assertTrue(r.decodeTokPerSBest() >= r.decodeTokPerS());
        assertEquals(1_100_048_384L, LlmSpeed.parameters(LlmSpeed.oneB()));
    }
}
