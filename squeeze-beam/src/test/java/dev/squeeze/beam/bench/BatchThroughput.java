package dev.squeeze.beam.bench;

import dev.squeeze.beam.BatchCompress;
import dev.squeeze.beam.BatchCompressOptions;
import dev.squeeze.beam.BatchJobs;
import dev.squeeze.beam.BatchMetrics;
import dev.squeeze.beam.CompressDocuments;
import dev.squeeze.beam.CompressedDocument;
import dev.squeeze.beam.CompressionSettings;
import dev.squeeze.beam.Corpus;
import dev.squeeze.beam.DeadLetter;
import dev.squeeze.beam.Document;
import dev.squeeze.beam.ReadDocuments;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.LexicalCompressor;
import dev.squeeze.text.PromptCompressor;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Throughput of the compression job against the single-process loop ({@code squeeze compress} per record, one thread),
 * on one corpus: every NQ-open gold passage (2,655, with its question) and the 49 essays, repeated {@code copies}
 * times with distinct ids. Rounds alternate (loop, direct[, spark]) and the medians are printed: wall seconds, input
 * tokens per wall second, and input tokens per CPU-second of the whole process (all threads, GC included), which is
 * the per-core figure on a shared machine. Not a test: run by hand (docs/PERFORMANCE.md gives the command).
 *
 * <p>Arguments: {@code ROUNDS COPIES RUNNERS [BUCKETS [METHOD]]} where RUNNERS is a comma list of {@code loop},
 * {@code direct}, {@code steps} (the DirectRunner on the library's separate transforms, see {@link #steps}),
 * {@code spark} (Spark needs Java 17 and the test class path) and BUCKETS the jobs' {@code --spreadBuckets}; without
 * it each runner gets what {@code squeeze batch compress} gives it: the DirectRunner its worker threads (the cores, at
 * least 3), Spark the job's default ({@link dev.squeeze.beam.ReadDocuments#DEFAULT_SPREAD_BUCKETS}); "-" keeps
 * that. METHOD is the squeeze-text method both the loop and the jobs run (default {@code lexical}): the two sides
 * must run the same one (the job's own default is the library's, {@code semantic}).
 */
public final class BatchThroughput {
    private BatchThroughput() {}

    record Sample(String what, double wallS, double cpuS, long tokens) {
        double tokensPerWallS() {
            return tokens / wallS;
        }

        double tokensPerCpuS() {
            return tokens / cpuS;
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int copies = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> runners = List.of((args.length > 2 ? args[2] : "loop,direct").split(","));
        String buckets =
                args.length > 3 && !args[3].equals("-") ? "--spreadBuckets=" + Integer.parseInt(args[3]) : null;
        String method = args.length > 4 ? args[4] : LexicalCompressor.NAME;
        String directBuckets = buckets != null
                ? buckets
                : "--spreadBuckets=" + Math.max(3, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("squeeze-batch-bench");
        List<Document> docs = new ArrayList<>(Corpus.nqPassages(2655));
        docs.addAll(Corpus.essays(49));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Document> all = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            for (Document d : docs) {
                Document copy = new Document(d.id() + "#" + c, d.text(), d.question(), d.origin());
                all.add(copy);
                out.write(Corpus.jsonl(copy));
                out.write('\n');
            }
        }
        Path input = dir.resolve("corpus.jsonl");
        Files.write(input, out.toByteArray());
        System.out.printf(
                Locale.ROOT,
                "corpus: %d records, %d bytes, %d cores, Java %s, method %s, %s%n",
                all.size(),
                out.size(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                method,
                buckets == null ? "spread buckets as the CLI sets them" : buckets);
        CompressionSettings settings = CompressionSettings.rate(0.3);
        List<List<Sample>> byRunner = new ArrayList<>();
        for (String ignored : runners) byRunner.add(new ArrayList<>());
        for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
            for (int i = 0; i < runners.size(); i++) {
                Sample s = switch (runners.get(i)) {
                    case "loop" -> loop(input, dir.resolve("loop-" + round + ".jsonl"), method, settings);
                    case "direct" ->
                        job(
                                dir,
                                input,
                                round,
                                "direct",
                                method,
                                directBuckets,
                                "--runner=DirectRunner",
                                "--enforceImmutability=false",
                                "--enforceEncodability=false");
                    case "steps" ->
                        steps(
                                dir,
                                input,
                                round,
                                method,
                                directBuckets,
                                "--runner=DirectRunner",
                                "--enforceImmutability=false",
                                "--enforceEncodability=false");
                    case "spark" ->
                        job(
                                dir,
                                input,
                                round,
                                "spark",
                                method,
                                buckets,
                                "--runner=SparkRunner",
                                "--sparkMaster=local[2]");
                    default ->
                        throw new IllegalArgumentException(
                                "runner must be loop, direct, steps or spark: " + runners.get(i));
                };
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-6s wall %.2f s, cpu %.2f s, %d tokens: %.0f tokens/s wall, %.0f tokens per CPU-s%n",
                        round,
                        s.what(),
                        s.wallS(),
                        s.cpuS(),
                        s.tokens(),
                        s.tokensPerWallS(),
                        s.tokensPerCpuS());
                if (round > 0) byRunner.get(i).add(s);
            }
        }
        for (int i = 0; i < runners.size(); i++) {
            List<Sample> l = byRunner.get(i);
            System.out.printf(
                    Locale.ROOT,
                    "median %-6s wall %.2f s, %.0f tokens/s wall, %.0f tokens per CPU-s%n",
                    runners.get(i),
                    median(l.stream().mapToDouble(Sample::wallS).toArray()),
                    median(l.stream().mapToDouble(Sample::tokensPerWallS).toArray()),
                    median(l.stream().mapToDouble(Sample::tokensPerCpuS).toArray()));
        }
        try (var files = Files.walk(dir)) { // the corpus and every round's output: tens of MB
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /** The single-process loop: read and parse each line, compress it, write its JSON line; one thread. */
    static Sample loop(Path input, Path output, String method, CompressionSettings settings) throws Exception {
        PromptCompressor c = CompressorRegistry.load().create(method, java.util.Map.of());
        long cpu0 = processCpuNanos(), t0 = System.nanoTime(), tokens = 0;
        try (java.io.BufferedWriter sink = Files.newBufferedWriter(output)) {
            for (String line : Files.readAllLines(input)) {
                var n = Corpus.JSON.readTree(line);
                String q = n.has("question") ? n.get("question").asText() : null;
                try {
                    CompressionResult r =
                            c.compress(settings.request(n.get("text").asText(), q));
                    tokens += r.originTokens();
                    sink.write(Corpus.JSON.writeValueAsString(new dev.squeeze.beam.CompressedDocument(
                                    n.get("id").asText(),
                                    r.compressed(),
                                    r.originTokens(),
                                    r.compressedTokens(),
                                    r.rate(),
                                    r.method())
                            .toJson(Corpus.JSON)));
                    sink.write('\n');
                } catch (IllegalArgumentException refused) {
                    // counted by neither side's token total (the job's tokens_in counts compressed records only)
                }
            }
        }
        return new Sample("loop", (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9, tokens);
    }

    static Sample job(Path dir, Path input, int round, String what, String method, String buckets, String... runner) {
        List<String> a = jobArgs(dir.resolve(what + "-" + round), input, method, buckets, runner);
        long cpu0 = processCpuNanos(), t0 = System.nanoTime();
        BatchMetrics.Totals t = BatchCompress.run(
                PipelineOptionsFactory.fromArgs(a.toArray(String[]::new)).as(BatchCompressOptions.class));
        if (!t.balanced()) throw new IllegalStateException("counters do not add up: " + t);
        return new Sample(what, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9, t.tokensIn());
    }

    /**
     * The job as the library's separate transforms compose it ({@link ReadDocuments}, {@link CompressDocuments}, a JSON
     * step per output), on the DirectRunner: what the job ran before it parsed, compressed and rendered in one step.
     */
    static Sample steps(Path dir, Path input, int round, String method, String buckets, String... runner) {
        List<String> a = jobArgs(dir.resolve("steps-" + round), input, method, buckets, runner);
        long cpu0 = processCpuNanos(), t0 = System.nanoTime();
        BatchCompressOptions o =
                PipelineOptionsFactory.fromArgs(a.toArray(String[]::new)).as(BatchCompressOptions.class);
        BatchCompress.Job job = BatchCompress.Job.from(o);
        Pipeline p = Pipeline.create(o);
        PCollectionTuple read = p.apply(ReadDocuments.from(job.input())
                .withMaxRecordBytes(job.maxRecordBytes())
                .withMaxWordChars(job.maxWordChars())
                .withSpreadBuckets(job.spreadBuckets()));
        PCollectionTuple compressed =
                read.get(ReadDocuments.DOCUMENTS).apply(CompressDocuments.of(job.compressor(), job.settings()));
        PCollection<DeadLetter> failed = PCollectionList.of(read.get(ReadDocuments.FAILED))
                .and(compressed.get(CompressDocuments.FAILED))
                .apply(Flatten.pCollections());
        BatchJobs.writeJsonl(
                compressed.get(CompressDocuments.COMPRESSED),
                "Compressed",
                CompressedDocument::toJson,
                job.output(),
                BatchCompress.COMPRESSED_PREFIX);
        BatchJobs.writeJsonl(failed, "DeadLetter", DeadLetter::toJson, job.output(), BatchCompress.DEAD_LETTER_PREFIX);
        BatchMetrics.Totals t = BatchMetrics.totals(BatchJobs.runToCompletion(p, "steps job"));
        if (!t.balanced()) throw new IllegalStateException("counters do not add up: " + t);
        return new Sample("steps", (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9, t.tokensIn());
    }

    static List<String> jobArgs(Path output, Path input, String method, String buckets, String... runner) {
        List<String> a = new ArrayList<>(Arrays.asList(runner));
        a.add("--method=" + method);
        if (buckets != null) a.add(buckets);
        a.add("--input=" + input);
        a.add("--output=" + output);
        a.add("--rate=0.3");
        return a;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
