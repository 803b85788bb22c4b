package dev.squeeze.eval.llm;

import dev.squeeze.llm.format.GgufWriter;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.quant.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Random-weight Llama GGUF files for speed comparisons, written by Squeeze's own {@link GgufWriter}, with a
 * synthetic SentencePiece vocabulary so that llama.cpp accepts them (it refuses a model without a tokenizer):
 * {@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte pieces, then pieces {@code ▁t<i>}. Benchmarks pass token
 * ids, so the vocabulary only has to load. A finished file is marked by a {@code .done} file beside it and reused.
 */
public final class BenchModels {
    private BenchModels() {}

    /** Weights seed of every benchmark model. */
    public static final long SEED = 42;

    /** The file for (config, type) in {@code dir}, written unless a finished one is there. */
    public static Path file(LlamaConfig c, GgmlType type, Path dir) throws IOException {
        String name = "random-llama-" + c.nLayers() + "L-" + c.dim() + "d-"
                + type.name().toLowerCase() + ".gguf";
        Path p = dir.resolve(name);
        Path done = dir.resolve(name + ".done");
        String stamp = c + " seed " + SEED;
        if (Files.isRegularFile(p)
                && Files.isRegularFile(done)
                && Files.readString(done).equals(stamp)) return p;
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".part");
        withSyntheticVocabulary(GgufWriter.randomLlama(c, type, SEED), c.vocabSize())
                .write(tmp);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(done, stamp);
        return p;
    }

    /** Adds a SentencePiece ("llama") vocabulary of {@code vocab} pieces (vocab >= 259): ids 1 = BOS, 2 = EOS. */
    public static GgufWriter withSyntheticVocabulary(GgufWriter w, int vocab) {
        if (vocab < 259)
            throw new IllegalArgumentException(
                    "a synthetic vocabulary needs >= 259 pieces (3 special + 256 bytes), got " + vocab);
        String[] pieces = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        pieces[0] = "<unk>";
        types[0] = 2; // unknown
        pieces[1] = "<s>";
        pieces[2] = "</s>";
        types[1] = types[2] = 3; // control
        for (int b = 0; b < 256; b++) {
            pieces[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6; // byte
        }
        for (int i = 259; i < vocab; i++) {
            pieces[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1; // normal
        }
        return w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", pieces)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .putU32("tokenizer.ggml.unknown_token_id", 0);
    }
}
