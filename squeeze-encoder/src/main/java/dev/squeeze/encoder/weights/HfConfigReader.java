package dev.squeeze.encoder.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.encoder.Activation;
import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.EncoderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * config.json of a Hugging Face encoder: model_type bert, roberta, xlm-roberta or distilbert (DistilBERT's own keys:
 * dim, n_layers, n_heads, hidden_dim, activation); position_embedding_type must be "absolute". numLabels is the size of
 * id2label (or num_labels), 0 when neither is present. Errors name the file, the key and the value.
 */
public final class HfConfigReader {
    private HfConfigReader() {}

    public static EncoderConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": config.json not found");
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (c == null || !c.isObject()) throw new IOException(file + ": not a JSON object");
        String type = c.path("model_type").asText("");
        Architecture arch = Architecture.ofModelType(type);
        if (arch == null) {
            throw new IOException(file + ": model_type '" + type
                    + "' is not a supported encoder (bert, roberta, xlm-roberta, distilbert)");
        }
        String pet = c.path("position_embedding_type").asText("absolute");
        if (!pet.equals("absolute")) {
            throw new IOException(file + ": position_embedding_type '" + pet + "' is not supported (absolute is)");
        }
        boolean distil = arch == Architecture.DISTILBERT;
        String actKey = distil ? "activation" : "hidden_act";
        String actName = c.path(actKey).asText("gelu");
        Activation act = Activation.of(actName);
        if (act == null)
            throw new IOException(file + ": " + actKey + " '" + actName
                    + "' is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu are)");
        int labels = c.path("id2label").isObject()
                ? c.get("id2label").size()
                : c.path("num_labels").asInt(0);
        try {
            if (distil) {
                return new EncoderConfig(
                        arch,
                        req(c, "vocab_size", file),
                        req(c, "dim", file),
                        req(c, "n_layers", file),
                        req(c, "n_heads", file),
                        req(c, "hidden_dim", file),
                        req(c, "max_position_embeddings", file),
                        0,
                        1e-12f,
                        act,
                        c.path("pad_token_id").asInt(0),
                        labels);
            }
            return new EncoderConfig(
                    arch,
                    req(c, "vocab_size", file),
                    req(c, "hidden_size", file),
                    req(c, "num_hidden_layers", file),
                    req(c, "num_attention_heads", file),
                    req(c, "intermediate_size", file),
                    req(c, "max_position_embeddings", file),
                    c.path("type_vocab_size").asInt(arch == Architecture.BERT ? 2 : 1),
                    (float) c.path("layer_norm_eps").asDouble(1e-12),
                    act,
                    c.path("pad_token_id").asInt(arch.robertaPositions() ? 1 : 0),
                    labels);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int req(JsonNode c, String key, Path file) throws IOException {
        JsonNode v = c.get(key);
        if (v == null || !v.isIntegralNumber())
            throw new IOException(
                    file + ": " + key + " is missing or not an integer" + (v == null ? "" : " (" + v + ")"));
        return v.asInt();
    }
}
