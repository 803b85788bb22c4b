package dev.squeeze.beam.kv;

import dev.squeeze.beam.ReadDocuments;
import dev.squeeze.beam.SpreadOptions;
import dev.squeeze.cachegen.CompressionLevels;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.jspecify.annotations.Nullable;

/** The options of the KV pre-computation job ({@code squeeze batch kv} fills the same), beside the runner's own. */
public interface BatchKvOptions extends SpreadOptions {
    @Description("Input files: a glob of JSONL files, one {\"id\", \"text\"} object per line")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("Output folder: stored-*.jsonl (one line per document) and dead-letter-*.jsonl")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("Model file (llama2.c .bin, .gguf) or Hugging Face folder, readable on every worker")
    @Validation.Required
    String getModel();

    void setModel(String value);

    @Description("Tokenizer file (llama2.c tokenizer.bin); GGUF and Hugging Face models carry their own")
    @Nullable
    String getTokenizer();

    void setTokenizer(String value);

    @Description("KV store: a directory shared by the workers, or redis://HOST:PORT")
    @Validation.Required
    String getStore();

    void setStore(String value);

    @Description("CacheGen level 0 (finest) .. 6 (coarsest)")
    @Default.Integer(CompressionLevels.DEFAULT)
    int getLevel();

    void setLevel(int value);

    @Description("Tokens per stored chunk (only whole chunks are stored); the serving process must use the same")
    @Default.Integer(KvEncoding.DEFAULT_CHUNK_TOKENS)
    int getChunkTokens();

    void setChunkTokens(int value);

    @Description("Threads of each worker's model (default 1: the runner runs one worker per core)")
    @Default.Integer(1)
    int getModelThreads();

    void setModelThreads(int value);

    @Description("Records (lines) over this many bytes go to the dead-letter output")
    @Default.Integer(ReadDocuments.DEFAULT_MAX_RECORD_BYTES)
    int getMaxRecordBytes();

    void setMaxRecordBytes(int value);
}
