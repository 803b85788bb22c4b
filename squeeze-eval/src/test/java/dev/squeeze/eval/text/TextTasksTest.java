package dev.squeeze.eval.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.Row;
import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.LexicalCompressor;
import dev.squeeze.text.PromptCompressor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        assertTrue(
                kv.getFirst().context().contains(kv.getFirst().mustKeep().getFirst()), "the value is in the context");
        List<TextTasks.Example> nq = TextTasks.nq(data, 10, 3, 7);
        for (TextTasks.Example e : nq) {
            assertEquals(10, e.context().split("\n\n").length);
            assertTrue(e.mustKeep().stream().anyMatch(a -> e.context().contains(a)));
        }
        List<TextTasks.Example> needle = TextTasks.needle(data, new int[] {1000}, 3);
        assertTrue(needle.getFirst().context().startsWith(TextTasks.NEEDLE), "depth 0 puts the needle first");
        assertTrue(needle.getLast().context().contains(TextTasks.NEEDLE));
        assertEquals(
                List.of("16", "2"),
                TextTasks.gsm8k(data, 1).getFirst().mustKeep(),
                "digit numbers only (\"three\" is a word)");
    }

    @Test
    void defaultMeetsItsRetentionGoalsOnASample() throws Exception {
        PromptCompressor c = CompressorRegistry.load().defaultCompressor();
        Row needle = TextBenchSuite.measure(
                c, "needle", TextTasks.needle(data, new int[] {1000, 4000}, 3), 0.1, null, false);
        assertEquals(1.0, (double) needle.get("retention"));
        assertTrue((double) needle.get("maxRateError") <= 0.02);
        Row kv = TextBenchSuite.measure(c, "kv-140", TextTasks.keyValue(data, 140, 10), 0.1, null, false);
        assertEquals(1.0, (double) kv.get("retention"));
        Row nq = TextBenchSuite.measure(c, "nq-20", TextTasks.nq(data, 20, 20, 11), 0.25, null, false);
        assertTrue((double) nq.get("retention") >= 0.9, "NQ retention " + nq.get("retention"));
        Row para = TextBenchSuite.measure(
                c,
                "paraphrase-check",
                ParaphraseTask.examples(data, ParaphraseTask.CHECK_NEEDLES, new int[] {1000, 4000}, 12),
                0.1,
                null,
                false);
        assertTrue((double) para.get("retention") >= 0.8, "paraphrase retention " + para.get("retention"));
        Row lexical = TextBenchSuite.measure(
                new LexicalCompressor(),
                "paraphrase-check",
                ParaphraseTask.examples(data, ParaphraseTask.CHECK_NEEDLES, new int[] {1000, 4000}, 12),
                0.1,
                null,
                false);
        assertTrue(
                (double) lexical.get("retention") < 0.5,
                "the lexical method, for contrast: " + lexical.get("retention"));
    }

    @Test
    void goalNotesReadTheRows() {
        List<Row> rows = List.of(
                Row.of("paraphrase")
                        .put("method", "semantic")
                        .put("rate", 0.25)
                        .put("retention", 0.95)
                        .put("maxRateError", 0.01),
                Row.of("paraphrase")
                        .put("method", "semantic")
                        .put("rate", 0.1)
                        .put("retention", 0.75)
                        .put("maxRateError", 0.03),
                Row.of("paraphrase")
                        .put("method", "lexical")
                        .put("rate", 0.1)
                        .put("retention", 0.2)
                        .put("maxRateError", 0.0),
                Row.of("paraphrase-32k")
                        .put("method", "semantic")
                        .put("rate", 0.1)
                        .put("tokensPerSecond", 400_000.0)
                        .put("clock", "thread-cpu")
                        .put("maxRateError", 0.0),
                Row.of("paraphrase-32k")
                        .put("method", "semantic")
                        .put("rate", 0.5)
                        .put("tokensPerSecond", 250_000.0)
                        .put("clock", "thread-cpu")
                        .put("maxRateError", 0.0));
        List<String> notes = TextGoals.check(rows);
        assertEquals(
                List.of(
                        "goal: semantic paraphrase retention >= 0.9 at rate 0.25: met (0.950)",
                        "goal: semantic paraphrase retention >= 0.8 at rate 0.1: NOT met (0.750)",
                        "goal: semantic achieved rate within 0.02 of the request (every task but GSM8K): NOT met (worst 0.0300, paraphrase at rate 0.1)",
                        "goal: semantic >= 300,000 input tokens per CPU-second on 32k-token contexts (thread-cpu): NOT met (slowest rate: 250,000)"),
                notes);
    }

    @Test
    void methodSpecsCarryOptions() {
        TextBenchSuite.MethodSpec m = TextBenchSuite.MethodSpec.parse("semantic:rerank=minilm:rerankTokens=2048");
        assertEquals("semantic", m.name());
        assertEquals(java.util.Map.of("rerank", "minilm", "rerankTokens", "2048"), m.options());
        assertEquals("semantic:rerank=minilm:rerankTokens=2048", m.label());
        assertEquals("lexical", TextBenchSuite.MethodSpec.parse(" lexical ").label());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TextBenchSuite.MethodSpec.parse("semantic:rerank"));
        assertTrue(e.getMessage().contains("'rerank'"), e.getMessage());
    }
}
