package dev.squeeze.cli.batch;

import dev.squeeze.beam.BatchCompress;
import dev.squeeze.beam.BatchCompressOptions;
import dev.squeeze.beam.BatchMetrics;
import dev.squeeze.beam.ReadDocuments;
import dev.squeeze.text.CompressorRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze batch compress}: compresses every record of a JSONL corpus on Apache Beam. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        description =
                "Compress every {id, text, question?} record of JSONL files: DIR/compressed-*.jsonl (the 'squeeze compress --json' "
                        + "fields plus id) and DIR/dead-letter-*.jsonl (records refused, with the reason).")
final class BatchCompressCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "GLOB",
            description = "Input files, e.g. 'corpus/*.jsonl' (.gz etc. by extension).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder.")
    String output;

    @CommandLine.ArgGroup(exclusive = true)
    Budget budget;

    /** --rate or --target-tokens, as in {@code squeeze compress}. */
    static final class Budget {
        @Option(names = "--rate", description = "Compressed/original token ratio in (0, 1] (default 0.5).")
        Double rate;

        @Option(names = "--target-tokens", description = "Compressed size in tokens, per record.")
        Integer targetTokens;
    }

    @Option(
            names = "--method",
            defaultValue = CompressorRegistry.DEFAULT_METHOD,
            description = "Method name (default ${DEFAULT-VALUE}).")
    String method;

    @Option(
            names = "--option",
            description = "Method option key=value (repeatable); paths must be readable on every worker.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
            names = "--encoding",
            defaultValue = "cl100k_base",
            description = "cl100k_base or o200k_base (default ${DEFAULT-VALUE}).")
    String encoding;

    @Option(
            names = "--keep",
            defaultValue = "none",
            description = "Content never dropped: numbers, urls, ids, entities, all, none.")
    String keep;

    @Option(
            names = "--max-record-bytes",
            defaultValue = "" + ReadDocuments.DEFAULT_MAX_RECORD_BYTES,
            description = "Records (lines) over this many bytes are dead-lettered (default ${DEFAULT-VALUE} = 8 MiB).")
    int maxRecordBytes;

    @Option(
            names = "--max-word-chars",
            defaultValue = "" + ReadDocuments.DEFAULT_MAX_WORD_CHARS,
            description =
                    "Texts with a longer word (run of letters, symbols or spaces) are dead-lettered (default ${DEFAULT-VALUE}).")
    int maxWordChars;

    @Option(names = "--json", description = "Print the job's counters as one JSON object.")
    boolean json;

    @CommandLine.Mixin
    RunnerOptions runner = new RunnerOptions();

    @Override
    public Integer call() {
        List<String> job = new ArrayList<>(List.of(
                "--input=" + input,
                "--output=" + output,
                "--method=" + method,
                "--encoding=" + encoding,
                "--keep=" + keep,
                "--maxRecordBytes=" + maxRecordBytes,
                "--maxWordChars=" + maxWordChars));
        if (budget != null && budget.targetTokens != null) job.add("--targetTokens=" + budget.targetTokens);
        else job.add("--rate=" + (budget != null && budget.rate != null ? budget.rate : 0.5));
        options.forEach((k, v) -> job.add("--methodOption=" + k + "=" + v));
        BatchCompressOptions o = runner.options(BatchCompressOptions.class, job);
        BatchMetrics.Totals t = RunnerOptions.run(() -> BatchCompress.run(o));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.printf(
                    Locale.ROOT,
                    "{\"recordsIn\":%d,\"compressed\":%d,\"deadLetter\":%d,\"tokensIn\":%d,\"tokensOut\":%d}%n",
                    t.recordsIn(),
                    t.recordsOut(),
                    t.recordsFailed(),
                    t.tokensIn(),
                    t.tokensOut());
        } else {
            out.printf(
                    Locale.ROOT,
                    "records in %d, compressed %d, dead-letter %d; tokens %d -> %d; output in %s%n",
                    t.recordsIn(),
                    t.recordsOut(),
                    t.recordsFailed(),
                    t.tokensIn(),
                    t.tokensOut(),
                    output);
        }
        out.flush();
        if (!t.balanced()) throw new IllegalStateException("the counters do not add up: " + t);
        return 0;
    }
}
