package dev.squeeze.eval.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.squeeze.bench.BenchContext;
import dev.squeeze.bench.PlotSpec;
import dev.squeeze.bench.Progress;
import dev.squeeze.bench.Row;
import dev.squeeze.core.data.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the kv suite without the CLI harness: {@code KvBenchMain OUTDIR [key=value ...]}. Writes the rows,
 * plots and notes as results.json (the harness's report is not reproduced here).
 */
public final class KvBenchMain {
    private static final Logger LOG = LoggerFactory.getLogger(KvBenchMain.class);

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: KvBenchMain OUTDIR [key=value ...]");
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("option '" + args[i] + "' is not key=value");
            opts.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<PlotSpec> plots = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        BenchContext ctx = new BenchContext() {
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
                return opts;
            }

            @Override
            public void add(Row row) {
                rows.add(new LinkedHashMap<>(row.values()));
            }

            @Override
            public void plot(PlotSpec spec) {
                plots.add(spec);
            }

            @Override
            public void note(String text) {
                notes.add(text);
                LOG.info("note: {}", text);
            }

            @Override
            public Progress progress(String task, long total) {
                return new Progress() {
                    long done;

                    @Override
                    public void step() {
                        stepBy(1);
                    }

                    @Override
                    public void stepBy(long n) {
                        done += n;
                    }

                    @Override
                    public void message(String text) {
                        LOG.info("{} [{}/{}] {}", task, done, total, text);
                    }

                    @Override
                    public void close() {}
                };
            }
        };
        long t0 = System.nanoTime();
        new KvBenchSuite().run(ctx);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("suite", "kv");
        res.put("seconds", (System.nanoTime() - t0) / 1e9);
        res.put("notes", notes);
        res.put("plots", plots);
        res.put("rows", rows);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("results.json").toFile(), res);
        LOG.info("wrote {}", out.resolve("results.json"));
    }
}
