package dev.squeeze.llm;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures around the shared stories260K model. */
public final class Stories {
    private Stories() {}

    public static final String GREEDY_PREFIX =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
                    + "One day, she saw a big, red ball";

    public static void assumeData() {
        DataAssumptions.require("models/stories260K.bin");
    }

    public static Path model() {
        return SharedData.require("models/stories260K.bin");
    }

    public static Path tokenizer() {
        return SharedData.require("models/tok512.bin");
    }

    public static Path text() {
        return SharedData.require("text/tinystories-sample.txt");
    }

    public static LlamaModel load() {
        try {
            return Llama2cLoader.load(model(), tokenizer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample's paragraphs (blank-line separated), each BOS + its tokens; the first {@code max} (0 = all). */
    public static List<int[]> paragraphs(Tokenizer tok, int max) {
        try {
            String all = Files.readString(text());
            List<int[]> out = new ArrayList<>();
            for (String p : all.split("\\n\\s*\\n")) {
                String s = p.strip();
                if (s.isEmpty()) continue;
                out.add(tok.encode(s, true));
                if (max > 0 && out.size() == max) break;
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
