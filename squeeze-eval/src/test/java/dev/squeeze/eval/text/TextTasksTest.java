package dev.squeeze.eval.text;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.bench.Row;
import dev.squeeze.text.LexicalCompressor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Loaders over ../shared/data and a small real-data regression guard of the default's goals. */
class TextTasksTest {
    private Path data;

    @BeforeEach
    void data() {
        data = DataAssumptions.folder();
    }

    @Test
    void loadersBuildWellFormedExamples() throws Exception {
        List<TextTasks.Example> kv = TextTasks.keyValue(data, 75, 3);
        assertEquals(3, kv.size());
        assertEquals(1 + 75, kv.getFirst().context().split("\n").length, "a header line, then one line per key");
        assertTrue(kv.getFirst().context().contains(kv.getFirst().mustKeep().getFirst()), "the value is in the context");
        List<TextTasks.Example> nq = TextTasks.nq(data, 10, 3, 7);
        for (TextTasks.Example e : nq) {
            assertEquals(10, e.context().split("\n\n").length);
            assertTrue(e.mustKeep().stream().anyMatch(a -> e.context().contains(a)));
        }
        List<TextTasks.Example> needle = TextTasks.needle(data, new int[] {1000}, 3);
        assertTrue(needle.getFirst().context().startsWith(TextTasks.NEEDLE), "depth 0 puts the needle first");
        assertTrue(needle.getLast().context().contains(TextTasks.NEEDLE));
        assertEquals(List.of("16", "2"), TextTasks.gsm8k(data, 1).getFirst().mustKeep(), "digit numbers only (\"three\" is a word)");
    }

    @Test
    void defaultMeetsItsRetentionGoalsOnASample() throws Exception {
        LexicalCompressor c = new LexicalCompressor();
        Row needle = TextBenchSuite.measure(c, "needle", TextTasks.needle(data, new int[] {1000, 4000}, 3), 0.1, null, false);
        assertEquals(1.0, (double) needle.get("retention"));
        assertTrue((double) needle.get("maxRateError") <= 0.02);
        Row kv = TextBenchSuite.measure(c, "kv-140", TextTasks.keyValue(data, 140, 10), 0.1, null, false);
        assertEquals(1.0, (double) kv.get("retention"));
        Row nq = TextBenchSuite.measure(c, "nq-20", TextTasks.nq(data, 20, 20, 11), 0.25, null, false);
        assertTrue((double) nq.get("retention") >= 0.9, "NQ retention " + nq.get("retention"));
    }
}
