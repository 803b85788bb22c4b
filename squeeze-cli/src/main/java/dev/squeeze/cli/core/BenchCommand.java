package dev.squeeze.cli.core;

import dev.squeeze.bench.BenchRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code squeeze bench SUITE --out DIR}: runs a suite, writes results.json and report.html. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark suite; writes DIR/results.json and DIR/report.html.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", description = "Suite name (see --list).")
    String suite;

    @Option(names = "--out", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--list", description = "List the registered suites.")
    boolean list;

    @Option(names = "--quick", description = "A short run (fewer repetitions and examples).")
    boolean quick;

    @Option(names = "--option", description = "Suite option key=value (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchRunner runner = BenchRunner.withRegisteredSuites(System.err, System.console() != null);
        PrintWriter o = spec.commandLine().getOut();
        if (list || suite == null) {
            runner.suites().forEach((name, s) -> o.printf("%-12s %s%n", name, s.description()));
            o.flush();
            return suite == null && !list ? 2 : 0;
        }
        if (out == null) throw new IllegalArgumentException("--out DIR is required");
        Map<String, String> opts = new LinkedHashMap<>(options);
        if (quick) opts.put("quick", "true");
        BenchRunner.Result r = runner.run(suite, out, opts);
        o.printf("%d rows -> %s%nreport -> %s%n", r.rows(), r.resultsJson(), r.reportHtml());
        o.flush();
        return 0;
    }
}
