package dev.squeeze.beam;

import dev.squeeze.text.CompressorRegistry;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.jspecify.annotations.Nullable;

/**
 * The options of the compression job, in Beam's {@code --name=value} form, with the runner's own options beside them
 * ({@code --runner=SparkRunner --sparkMaster=...}). {@code squeeze batch compress} fills the same options.
 */
public interface BatchCompressOptions extends SpreadOptions {
    @Description(
            "Input files: a glob of JSONL files, one {\"id\", \"text\", \"question\"?} object per line (.gz etc. by extension)")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Output folder: compressed-*.jsonl and dead-letter-*.jsonl are written there")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("squeeze-text method (squeeze methods --family text); the library's default, as in squeeze compress")
    @Default.String(CompressorRegistry.DEFAULT_METHOD)
    String getMethod();

    void setMethod(String value);

    @Description("Method options, key=value (e.g. model=/models/llmlingua-2); paths must be readable on every worker")
    @Nullable
    List<String> getMethodOption();

    void setMethodOption(List<String> value);

    @Description("Compressed/original token ratio in (0, 1] (default 0.5 unless targetTokens is given)")
    @Nullable
    Double getRate();

    void setRate(Double value);

    @Description("Compressed size in tokens, instead of a rate")
    @Nullable
    Integer getTargetTokens();

    void setTargetTokens(Integer value);

    @Description("Token counting vocabulary: cl100k_base or o200k_base")
    @Default.String("cl100k_base")
    String getEncoding();

    void setEncoding(String value);

    @Description("Content never dropped: comma list of numbers, urls, ids, entities, all, none")
    @Default.String("none")
    String getKeep();

    void setKeep(String value);

    @Description("Records (lines) over this many bytes go to the dead-letter output")
    @Default.Integer(ReadDocuments.DEFAULT_MAX_RECORD_BYTES)
    int getMaxRecordBytes();

    void setMaxRecordBytes(int value);

    @Description(
            "Texts with a word (run of letters, symbols or spaces) over this many characters go to the dead-letter output")
    @Default.Integer(ReadDocuments.DEFAULT_MAX_WORD_CHARS)
    int getMaxWordChars();

    void setMaxWordChars(int value);
}
