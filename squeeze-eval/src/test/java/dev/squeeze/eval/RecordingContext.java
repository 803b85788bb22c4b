package dev.squeeze.eval;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The suites' tests' bench context: keeps the rows, plots and notes a suite emits; progress is silent. */
public final class RecordingContext implements BenchContext {
    public final List<Row> rows = new ArrayList<>();
    public final List<PlotSpec> plots = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    private final Path out;
    private final Optional<Path> data;
    private final Map<String, String> options;

    public RecordingContext(Path out, Optional<Path> data, Map<String, String> options) {
        this.out = out;
        this.data = data;
        this.options = options;
    }

    /** The rows of one task. */
    public List<Row> task(String task) {
        return rows.stream().filter(r -> r.task().equals(task)).toList();
    }

    @Override
    public Path outDir() {
        return out;
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
