package dev.squeeze.beam;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same job on Spark in local mode ({@code local[2]}) and on the DirectRunner gives the same lines, in both
 * outputs, and the same counters. Spark 3.5 runs on Java 17 (on JDK 23+ Hadoop's login fails: Subject.getSubject
 * is gone), so this runs in ./squeeze-test's JDK 17 step, where squeeze-beam's tests run again.
 */
@EnabledForJreRange(
        max = JRE.JAVA_21,
        disabledReason = "Spark 3.5 runs on Java 17/21: this test runs in ./squeeze-test's JDK 17 step")
class SparkRunnerTest {
    @TempDir
    Path dir;

    BatchMetrics.Totals run(Corpus corpus, String out, String... runner) {
        String[] common = {
            "--input=" + corpus.file,
            "--output=" + dir.resolve(out),
            "--rate=0.3",
            "--maxRecordBytes=" + Corpus.MAX_RECORD_BYTES
        };
        String[] args = new String[common.length + runner.length];
        System.arraycopy(runner, 0, args, 0, runner.length);
        System.arraycopy(common, 0, args, runner.length, common.length);
        return BatchCompress.run(PipelineOptionsFactory.fromArgs(args).as(BatchCompressOptions.class));
    }

    @Test
    void sparkLocalGivesTheDirectRunnersOutput() throws Exception {
        Corpus corpus = Corpus.write(dir, 6, 24);
        BatchMetrics.Totals direct = run(corpus, "direct", "--runner=DirectRunner");
        BatchMetrics.Totals spark = run(corpus, "spark", "--runner=SparkRunner", "--sparkMaster=local[2]");
        assertEquals(direct, spark);
        assertTrue(spark.balanced(), spark.toString());
        assertEquals(corpus.lines, spark.recordsIn());
        List<String> compressed = Corpus.lines(dir.resolve("spark"), BatchCompress.COMPRESSED_PREFIX);
        assertEquals(Corpus.lines(dir.resolve("direct"), BatchCompress.COMPRESSED_PREFIX), compressed);
        assertEquals(
                Corpus.lines(dir.resolve("direct"), BatchCompress.DEAD_LETTER_PREFIX),
                Corpus.lines(dir.resolve("spark"), BatchCompress.DEAD_LETTER_PREFIX));
        assertEquals(spark.recordsOut(), compressed.size());
        assertTrue(compressed.size() >= 25, compressed.size() + " records compressed");
    }
}
