package dev.squeeze.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/** What the batch jobs share: JSONL outputs under the output folder, and running to the end. */
public final class BatchJobs {
    /** The suffix of every output file. */
    public static final String SUFFIX = ".jsonl";

    private BatchJobs() {}

    /** Writes {@code c} as JSON lines to {@code OUTPUT/PREFIX-SSSSS-of-NNNNN.jsonl}. */
    public static <T> void writeJsonl(
            PCollection<T> c, String step, JsonLines.Renderer<T> renderer, String output, String prefix) {
        writeLines(c.apply(step + "Json", ParDo.of(new JsonLines<>(renderer))), "Write" + step, output, prefix);
    }

    /** Writes lines already rendered to {@code OUTPUT/PREFIX-SSSSS-of-NNNNN.jsonl}. */
    public static void writeLines(PCollection<String> lines, String step, String output, String prefix) {
        lines.apply(
                step,
                TextIO.write()
                        .to(output.endsWith("/") ? output + prefix : output + "/" + prefix)
                        .withSuffix(SUFFIX));
    }

    /** The coder of {@link #writeJsonlByPrefix}'s input. */
    public static final KvCoder<String, String> KEYED_LINES = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

    /**
     * Writes each line (the value) to {@code OUTPUT/KEY-SSSSS-of-NNNNN.jsonl}: all outputs of a job through one file
     * write, where one {@link #writeLines} per output repeats the write's two dozen steps (temporary files, their
     * gathering and finalisation), each a fixed cost on the DirectRunner. A key with no line writes no file.
     */
    public static PTransform<PCollection<KV<String, String>>, WriteFilesResult<String>> writeJsonlByPrefix(
            String output) {
        return FileIO.<String, KV<String, String>>writeDynamic()
                .by(KV::getKey)
                .withDestinationCoder(StringUtf8Coder.of())
                .via(Contextful.fn(KV::getValue), TextIO.sink())
                .to(output)
                .withNaming(prefix -> FileIO.Write.defaultNaming(prefix, SUFFIX));
    }

    /** Runs {@code p} and waits; fails unless it finished. */
    public static PipelineResult runToCompletion(Pipeline p, String what) {
        PipelineResult result = p.run();
        PipelineResult.State state = result.waitUntilFinish();
        if (state != PipelineResult.State.DONE) throw new IllegalStateException("the " + what + " ended " + state);
        return result;
    }
}
