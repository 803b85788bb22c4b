package dev.squeeze.eval.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which model a suite evaluates on: the options' file, else stories15M from the data folder, else none. */
class EvalModelTest {
    static BenchContext ctx(Optional<Path> data, Map<String, String> options) {
        return new BenchContext() {
            @Override
            public Path outDir() {
                return Path.of(".");
            }

            @Override
            public Optional<Path> dataDir() {
                return data;
            }

            @Override
            public Map<String, String> options() {
                return options;
            }

            @Override
            public void add(Row row) {}

            @Override
            public void plot(PlotSpec spec) {}

            @Override
            public void note(String text) {}

            @Override
            public Progress progress(String task, long total) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void defaultIsStories15MFromTheDataFolderAndAbsentIsEmpty(@TempDir Path data) throws Exception {
        assertTrue(EvalModel.resolve(ctx(Optional.empty(), Map.of()), "model", "tokenizer")
                .isEmpty());
        assertTrue(
                EvalModel.resolve(ctx(Optional.of(data), Map.of()), "model", "tokenizer")
                        .isEmpty(),
                "no files, no model");
        Files.createDirectories(data.resolve("models"));
        Files.write(data.resolve(EvalModel.DEFAULT_MODEL), new byte[1]);
        Files.write(data.resolve(EvalModel.DEFAULT_TOKENIZER), new byte[1]);
        EvalModel m = EvalModel.resolve(ctx(Optional.of(data), Map.of()), "model", "tokenizer")
                .orElseThrow();
        assertEquals("stories15M", m.name());
        assertEquals(data.resolve("models/tok32000.bin"), m.tokenizer());
    }

    @Test
    void optionsNameTheirFileOrFailNamingTheOption(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("other.gguf"), new byte[1]);
        EvalModel m = EvalModel.resolve(ctx(Optional.empty(), Map.of("lm", f.toString())), "lm", "lmTokenizer")
                .orElseThrow();
        assertEquals("other", m.name());
        assertNull(m.tokenizer());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EvalModel.resolve(
                        ctx(
                                Optional.empty(),
                                Map.of("lm", dir.resolve("none.bin").toString())),
                        "lm",
                        "lmTokenizer"));
        assertEquals("option lm=" + dir.resolve("none.bin") + ": no such file", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> EvalModel.resolve(
                        ctx(Optional.empty(), Map.of("lmTokenizer", f.toString())), "lm", "lmTokenizer"));
        assertTrue(e.getMessage().contains("needs lm=PATH"), e.getMessage());
    }
}
