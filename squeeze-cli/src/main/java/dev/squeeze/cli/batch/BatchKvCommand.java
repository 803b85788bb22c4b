package dev.squeeze.cli.batch;

import dev.squeeze.beam.kv.BatchKv;
import dev.squeeze.beam.kv.BatchKvOptions;
import dev.squeeze.beam.kv.KvEncoding;
import dev.squeeze.cachegen.CompressionLevels;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze batch kv}: pre-computes the CacheGen KV caches of a corpus into a store. */
@Command(
        name = "kv",
        mixinStandardHelpOptions = true,
        description =
                "Prefill every {id, text} record of JSONL files with a model and store its CacheGen KV cache (directory or Redis), "
                        + "keyed by model fingerprint and content, for KvPrefixCache / 'squeeze generate' to load. Idempotent.")
final class BatchKvCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "GLOB", description = "Input files, e.g. 'docs/*.jsonl'.")
    String input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Report folder: stored-*.jsonl, dead-letter-*.jsonl.")
    String output;

    @Option(
            names = "--model",
            required = true,
            description = "Model file (llama2.c .bin, .gguf) or Hugging Face folder.")
    String model;

    @Option(
            names = "--tokenizer",
            description = "Tokenizer file (llama2.c tokenizer.bin); GGUF and HF models carry their own.")
    String tokenizer;

    @Option(names = "--store", required = true, description = "A directory, or redis://HOST:PORT.")
    String store;

    @Option(
            names = "--level",
            defaultValue = "" + CompressionLevels.DEFAULT,
            description = "CacheGen level 0 .. " + CompressionLevels.MAX + " (default ${DEFAULT-VALUE}).")
    int level;

    @Option(
            names = "--chunk-tokens",
            defaultValue = "" + KvEncoding.DEFAULT_CHUNK_TOKENS,
            description =
                    "Tokens per stored chunk (default ${DEFAULT-VALUE}); only whole chunks are stored; the serving process must use the same.")
    int chunkTokens;

    @CommandLine.Mixin
    RunnerOptions runner = new RunnerOptions();

    @Override
    public Integer call() {
        List<String> job = new ArrayList<>(List.of(
                "--input=" + input,
                "--output=" + output,
                "--model=" + model,
                "--store=" + store,
                "--level=" + level,
                "--chunkTokens=" + chunkTokens));
        if (tokenizer != null) job.add("--tokenizer=" + tokenizer);
        BatchKvOptions o = runner.options(BatchKvOptions.class, job);
        BatchKv.Totals t = RunnerOptions.run(() -> BatchKv.run(o));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "records in %d, done %d (%d written, %d already stored), dead-letter %d; %d of %d tokens cached, %d bytes written%n",
                t.records().recordsIn(),
                t.records().recordsOut(),
                t.written(),
                t.reused(),
                t.records().recordsFailed(),
                t.cachedTokens(),
                t.records().tokensIn(),
                t.bytes());
        out.flush();
        return 0;
    }
}
