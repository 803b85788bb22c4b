package dev.squeeze.eval.text;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.core.data.SharedData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Runs the text suite without the harness, printing rows (development aid; the harness is squeeze bench). */
public final class BenchMain {
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            opts.put(a.substring(0, i), a.substring(i + 1));
        }
        new TextBenchSuite().run(new BenchContext() {
            public Path outDir() {
                return Path.of("target");
            }

            public Optional<Path> dataDir() {
                return SharedData.locate();
            }

            public Map<String, String> options() {
                return opts;
            }

            public void add(Row row) {
                System.out.println(row.values());
            }

            public void plot(PlotSpec spec) {}

            public void note(String text) {
                System.out.println("NOTE " + text);
            }

            public Progress progress(String task, long total) {
                return new Progress() {
                    public void step() {}

                    public void stepBy(long n) {}

                    public void message(String text) {}

                    public void close() {}
                };
            }
        });
    }
}
