package dev.squeeze.beam;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How both jobs spread the records they read over the workers ({@link ReadDocuments#withSpreadBuckets}). */
public interface SpreadOptions extends PipelineOptions {
    @Description(
            "Keys the records are spread over after reading (0 = a random key per record); about the workers' cores: "
                    + "the DirectRunner runs one bundle per key and pays a fixed cost per bundle (squeeze batch sets its worker count)")
    @Default.Integer(ReadDocuments.DEFAULT_SPREAD_BUCKETS)
    int getSpreadBuckets();

    void setSpreadBuckets(int value);
}
