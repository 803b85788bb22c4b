package dev.squeeze.encoder;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.OnnxGraphBuilder;
import dev.squeeze.encoder.testing.RandomEncoder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken model folder fails with a message naming the file, the field and the value, never with a wrong answer. */
class BadInputTest {
    @TempDir
    Path tmp;

    Path dir;

    @BeforeEach
    void writeModel() throws Exception {
        dir = tmp.resolve("model");
        new RandomEncoder(Architecture.BERT, 30522, 32, 1, 2, 64, 32, 2, 1)
                .write(dir, Files.readAllBytes(MiniLmFiles.tokenizerJson()), false);
    }

    private String failure() {
        IOException e = assertThrows(
                IOException.class,
                () -> EncoderModel.loadFolder(dir, 1, KernelProvider.kernels()).close());
        return e.getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }

    private void editConfig(String key, Object value) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode c = (ObjectNode) om.readTree(dir.resolve("config.json").toFile());
        if (value instanceof Integer) c.put(key, (Integer) value);
        else c.put(key, String.valueOf(value));
        om.writeValue(dir.resolve("config.json").toFile(), c);
    }

    @Test
    void missingFilesAreNamed() throws Exception {
        Files.delete(dir.resolve("tokenizer.json"));
        contains(failure(), "tokenizer.json is missing");
        writeModel();
        Files.delete(dir.resolve("model.safetensors"));
        contains(failure(), "neither model.safetensors nor model.safetensors.index.json");
        writeModel();
        Files.delete(dir.resolve("config.json"));
        contains(failure(), "config.json", "not found");
    }

    @Test
    void unsupportedArchitectureAndActivationAreNamed() throws Exception {
        editConfig("model_type", "gpt2");
        contains(failure(), "config.json", "model_type 'gpt2'", "bert, roberta, xlm-roberta, distilbert");
        writeModel();
        editConfig("hidden_act", "silu");
        contains(failure(), "hidden_act 'silu'");
        writeModel();
        editConfig("position_embedding_type", "relative_key");
        contains(failure(), "position_embedding_type 'relative_key'");
    }

    @Test
    void unsupportedTokenizerModelIsNamed() throws Exception {
        ObjectMapper om = new ObjectMapper();
        ObjectNode t = (ObjectNode) om.readTree(dir.resolve("tokenizer.json").toFile());
        ((ObjectNode) t.get("model")).put("type", "BPE");
        om.writeValue(dir.resolve("tokenizer.json").toFile(), t);
        contains(failure(), "tokenizer.json", "model.type", "'BPE' is not supported");
        ((ObjectNode) t.get("model")).put("type", "WordPiece");
        t.putObject("pre_tokenizer").put("type", "ByteLevel");
        om.writeValue(dir.resolve("tokenizer.json").toFile(), t);
        contains(failure(), "pre_tokenizer.type", "'ByteLevel' is not supported");
    }

    @Test
    void shapesThatDisagreeWithTheConfigAreNamed() throws Exception {
        editConfig("intermediate_size", 65);
        contains(
                failure(),
                "model.safetensors",
                "bert.encoder.layer.0.intermediate.dense.weight",
                "[64, 32]",
                "[65, 32]");
        writeModel();
        editConfig("vocab_size", 1000);
        contains(failure(), "word_embeddings.weight", "[30522, 32]", "[1000, 32]");
        writeModel();
        editConfig("num_attention_heads", 5);
        contains(failure(), "hidden_size 32 is not a multiple of num_attention_heads 5");
    }

    @Test
    void truncatedSafetensorsIsNamed() throws Exception {
        Path f = dir.resolve("model.safetensors");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        contains(failure(), "model.safetensors", "data_offsets", "file truncated?");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(20);
        }
        contains(failure(), "model.safetensors", "header length");
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        new dev.squeeze.encoder.io.SafetensorsWriter()
                .put("bert.embeddings.word_embeddings.weight", new float[30522 * 32], 30522, 32)
                .write(dir.resolve("model.safetensors"), false);
        contains(failure(), "bert.embeddings.position_embeddings.weight", "is missing", "[32, 32]");
    }

    @Test
    void unmappableOnnxGraphIsRefused() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder();
        g.input("input_ids", 7, "batch", "seq");
        String x = g.node("Gather", g.floats("table", new float[40], 10, 4), "input_ids");
        g.output(x, "out", 1, "batch", "seq", 4);
        Path onnx = tmp.resolve("odd.onnx");
        Files.write(onnx, g.build());
        IOException e = assertThrows(
                IOException.class,
                () -> EncoderModel.loadOnnx(onnx, MiniLmFiles.tokenizerJson(), 1, KernelProvider.kernels()));
        contains(
                e.getMessage(),
                "odd.onnx",
                "cannot run this ONNX graph as a BERT encoder",
                "embeddings.word_embeddings.weight");
        Files.write(onnx, new byte[] {0x3a, 0x7f, 1, 2});
        e = assertThrows(
                IOException.class,
                () -> EncoderModel.loadOnnx(onnx, MiniLmFiles.tokenizerJson(), 1, KernelProvider.kernels()));
        contains(e.getMessage(), "odd.onnx", "offset");
    }

    @Test
    void badEncoderInputIsRefused() throws Exception {
        try (EncoderModel m = EncoderModel.loadFolder(dir, 1, KernelProvider.kernels())) {
            var enc = m.encoder();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> enc.forward(dev.squeeze.encoder.runtime.EncoderInput.of(new int[] {101, 40000})));
            contains(e.getMessage(), "token 1", "id 40000", "[0, 30522)");
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> enc.forward(dev.squeeze.encoder.runtime.EncoderInput.of(new int[40])));
            contains(e.getMessage(), "40 tokens", "32 positions");
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> enc.forward(new dev.squeeze.encoder.runtime.EncoderInput(
                            new int[][] {{1, 2}}, new int[][] {{0, 0}}, null)));
            contains(e.getMessage(), "all zero");
        }
    }
}
