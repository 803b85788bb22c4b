package dev.squeeze.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.data.SharedData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one suite and writes DIR/results.json (an array of flat rows, each stamped with suite, machine and
 * commit) and DIR/report.html (self-contained: inline SVG, no scripts from the network).
 */
public final class BenchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);

    private final Map<String, BenchSuite> suites;
    private final PrintStream err;
    private final boolean terminal;

    public BenchRunner(List<BenchSuite> suites, PrintStream err, boolean terminal) {
        Map<String, BenchSuite> m = new TreeMap<>();
        for (BenchSuite s : suites) {
            BenchSuite prev = m.putIfAbsent(s.name(), s);
            if (prev != null) throw new IllegalStateException("bench suite '" + s.name() + "' is registered twice");
        }
        this.suites = m;
        this.err = err;
        this.terminal = terminal;
    }

    /** With every suite registered through {@code META-INF/services/dev.squeeze.bench.BenchSuite}. */
    public static BenchRunner withRegisteredSuites(PrintStream err, boolean terminal) {
        List<BenchSuite> found = new ArrayList<>();
        ServiceLoader.load(BenchSuite.class, BenchRunner.class.getClassLoader()).forEach(found::add);
        return new BenchRunner(found, err, terminal);
    }

    public Map<String, BenchSuite> suites() {
        return suites;
    }

    /** The outcome of a run: the files written and how many rows. */
    public record Result(Path resultsJson, Path reportHtml, int rows) {}

    public Result run(String suiteName, Path outDir, Map<String, String> options) throws Exception {
        BenchSuite suite = suites.get(suiteName);
        if (suite == null) {
            throw new IllegalArgumentException(
                    "unknown bench suite '" + suiteName + "'; known: " + String.join(", ", suites.keySet()));
        }
        Files.createDirectories(outDir);
        if (!Files.isWritable(outDir))
            throw new IllegalArgumentException("output folder " + outDir + " is not writable");
        Collector c = new Collector(outDir, SharedData.locate(), Map.copyOf(options));
        long t0 = System.nanoTime();
        suite.run(c);
        LOG.info(
                "suite {} finished: {} rows in {} s",
                suiteName,
                c.rows.size(),
                (System.nanoTime() - t0) / 1_000_000_000L);
        String machine = MachineInfo.describe();
        String commit = MachineInfo.gitCommit();
        Path json = outDir.resolve("results.json");
        writeAtomically(json, toJson(suiteName, machine, commit, c.rows));
        Path html = outDir.resolve("report.html");
        writeAtomically(html, new HtmlReport(suiteName, machine, commit, c.rows, c.plots, c.notes).render());
        return new Result(json, html, c.rows.size());
    }

    static String toJson(String suite, String machine, String commit, List<Row> rows) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode arr = om.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = arr.addObject();
            o.put("suite", suite);
            for (Map.Entry<String, Object> e : r.values().entrySet()) o.putPOJO(e.getKey(), e.getValue());
            o.put("machine", machine);
            o.put("commit", commit);
        }
        return om.writeValueAsString(arr);
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private final class Collector implements BenchContext {
        private final Path outDir;
        private final Optional<Path> data;
        private final Map<String, String> options;
        final List<Row> rows = new ArrayList<>();
        final List<PlotSpec> plots = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Collector(Path outDir, Optional<Path> data, Map<String, String> options) {
            this.outDir = outDir;
            this.data = data;
            this.options = options;
        }

        @Override
        public Path outDir() {
            return outDir;
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
        public synchronized void add(Row row) {
            if (row.task() == null) throw new IllegalArgumentException("a row needs a task");
            rows.add(row);
        }

        @Override
        public synchronized void plot(PlotSpec spec) {
            plots.add(spec);
        }

        @Override
        public synchronized void note(String text) {
            notes.add(text);
            err.println("note: " + text);
        }

        @Override
        public Progress progress(String task, long total) {
            return ConsoleProgress.create(task, total, terminal, err);
        }
    }
}
