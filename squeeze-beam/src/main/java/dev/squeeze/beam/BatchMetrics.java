package dev.squeeze.beam;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The batch pipelines' Beam counters (namespace {@value #NAMESPACE}): records read ({@code records_in}), written
 * ({@code records_out}) and sent to the dead-letter output ({@code records_failed}), and the tokens before and after
 * compression. A finished job satisfies records_in = records_out + records_failed.
 */
public final class BatchMetrics {
    public static final String NAMESPACE = "squeeze";
    public static final String RECORDS_IN = "records_in",
            RECORDS_OUT = "records_out",
            RECORDS_FAILED = "records_failed",
            TOKENS_IN = "tokens_in",
            TOKENS_OUT = "tokens_out";

    private BatchMetrics() {}

    /** A counter of this namespace (the KV job adds its own names). */
    public static Counter counter(String name) {
        return Metrics.counter(NAMESPACE, name);
    }

    /** The totals of a finished job (attempted values: every runner reports them). */
    public record Totals(long recordsIn, long recordsOut, long recordsFailed, long tokensIn, long tokensOut) {
        /** Whether every record read was written or dead-lettered. */
        public boolean balanced() {
            return recordsIn == recordsOut + recordsFailed;
        }
    }

    public static Totals totals(PipelineResult result) {
        return new Totals(
                sum(result, RECORDS_IN),
                sum(result, RECORDS_OUT),
                sum(result, RECORDS_FAILED),
                sum(result, TOKENS_IN),
                sum(result, TOKENS_OUT));
    }

    /** The attempted total of counter {@code name} of this namespace. */
    public static long sum(PipelineResult result, String name) {
        MetricQueryResults q = result.metrics()
                .queryMetrics(MetricsFilter.builder()
                        .addNameFilter(MetricNameFilter.named(NAMESPACE, name))
                        .build());
        long total = 0;
        for (MetricResult<Long> c : q.getCounters()) total += c.getAttempted();
        return total;
    }
}
