package dev.squeeze.beam;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.ParDo;
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

    /** Runs {@code p} and waits; fails unless it finished. */
    public static PipelineResult runToCompletion(Pipeline p, String what) {
        PipelineResult result = p.run();
        PipelineResult.State state = result.waitUntilFinish();
        if (state != PipelineResult.State.DONE) throw new IllegalStateException("the " + what + " ended " + state);
        return result;
    }
}
