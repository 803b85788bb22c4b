package dev.squeeze.cli.cachegen;

import dev.squeeze.cachegen.CacheGenEncoder;
import dev.squeeze.cachegen.CompressionLevels;
import dev.squeeze.cachegen.KvFiles;
import dev.squeeze.cli.InputOptions;
import dev.squeeze.cli.llm.ModelOptions;
import dev.squeeze.llm.model.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code squeeze kv save}: computes the KV cache of a text and writes it as a CacheGen stream. */
@Command(
        name = "save",
        mixinStandardHelpOptions = true,
        description = "Prefill a text (BOS first) and store its KV cache as a CacheGen stream.")
final class KvSaveCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--text", required = true, description = "UTF-8 text file whose cache is stored.")
    Path text;

    @Option(names = "--out", required = true, description = "Output file.")
    Path out;

    @Option(
            names = "--level",
            defaultValue = "" + CompressionLevels.DEFAULT,
            description = "Compression level 0 (finest) .. " + CompressionLevels.MAX
                    + " (coarsest); default ${DEFAULT-VALUE}.")
    int level;

    @Option(
            names = "--chunk-tokens",
            defaultValue = "" + CacheGenEncoder.DEFAULT_CHUNK_TOKENS,
            description = "Tokens per chunk (default ${DEFAULT-VALUE}).")
    int chunkTokens;

    @Option(
            names = "--anchor-interval",
            defaultValue = "0",
            description = "Delta coding against an anchor token every N tokens (0 = off, the default).")
    int anchorInterval;

    @CommandLine.Mixin
    InputOptions inputOptions = new InputOptions();

    @Option(
            names = "--max-bytes-per-token",
            defaultValue = "0",
            description =
                    "Choose each chunk's level: the finest whose payload fits this many bytes per token (0 = use --level).")
    double maxBytesPerToken;

    @Override
    public Integer call() throws Exception {
        if (level < 0 || level > CompressionLevels.MAX) {
            throw new IllegalArgumentException("--level must be in [0, " + CompressionLevels.MAX + "], got " + level);
        }
        if (chunkTokens <= 0) throw new IllegalArgumentException("--chunk-tokens must be > 0, got " + chunkTokens);
        if (anchorInterval < 0 || anchorInterval > 65535) {
            throw new IllegalArgumentException("--anchor-interval must be in [0, 65535], got " + anchorInterval);
        }
        if (!Files.isRegularFile(text))
            throw new IllegalArgumentException("--text " + text + " is not a readable file");
        KvFiles.requireReplaceable(out);
        String t = inputOptions.readText(text).strip();
        if (t.isEmpty()) throw new IllegalArgumentException("--text " + text + " holds no text");
        if (!(maxBytesPerToken >= 0))
            throw new IllegalArgumentException("--max-bytes-per-token must be >= 0, got " + maxBytesPerToken);
        CacheGenEncoder enc = CacheGenEncoder.builder()
                .level(level)
                .chunkTokens(chunkTokens)
                .anchorInterval(anchorInterval)
                .maxBytesPerToken(maxBytesPerToken)
                .build();
        try (LlamaModel m = modelOptions.load()) {
            KvFiles.Saved s = KvFiles.save(m, t, enc, out);
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "%s: %d tokens, %d chunk(s), %d bytes (fp16 %d bytes, %.2fx smaller), %s%n",
                            out,
                            s.tokens(),
                            s.chunks(),
                            s.bytes(),
                            s.fp16Bytes(),
                            s.ratioVsFp16(),
                            maxBytesPerToken > 0
                                    ? "levels chosen per chunk for <= " + maxBytesPerToken + " bytes/token"
                                    : "level " + level);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
