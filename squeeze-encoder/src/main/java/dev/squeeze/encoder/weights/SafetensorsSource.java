package dev.squeeze.encoder.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.encoder.io.SafetensorsFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tensors of a Hugging Face folder: model.safetensors, or the shards that model.safetensors.index.json lists
 * (shard names must be plain file names inside the folder).
 */
public final class SafetensorsSource implements TensorSource, Closeable {
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;
    private final String description;

    private SafetensorsSource(List<SafetensorsFile> files, Map<String, SafetensorsFile> byName, String description) {
        this.files = files;
        this.byName = byName;
        this.description = description;
    }

    public static SafetensorsSource open(Path dir) throws IOException {
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                for (String n : f.tensors().keySet()) byName.put(n, f);
                return new SafetensorsSource(files, byName, single.toString());
            }
            if (!Files.isRegularFile(index)) {
                throw new IOException(dir + ": neither model.safetensors nor model.safetensors.index.json is present"
                        + (Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                                ? " (pytorch_model.bin is not read: download the safetensors)"
                                : ""));
            }
            JsonNode map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
            if (map == null || !map.isObject())
                throw new IOException(index + ": weight_map is missing or not an object");
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shard = e.getValue().asText();
                if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                    throw new IOException(index + ": weight_map[\"" + e.getKey() + "\"]: shard '" + shard
                            + "' must be a plain file name");
                }
                SafetensorsFile f = shards.get(shard);
                if (f == null) {
                    f = SafetensorsFile.open(dir.resolve(shard));
                    shards.put(shard, f);
                    files.add(f);
                }
                if (!f.tensors().containsKey(e.getKey())) {
                    throw new IOException(
                            index + ": weight_map[\"" + e.getKey() + "\"] names " + shard + ", which does not hold it");
                }
                byName.put(e.getKey(), f);
            }
            return new SafetensorsSource(files, byName, index.toString());
        } catch (IOException | RuntimeException e) {
            for (SafetensorsFile f : files) f.close();
            throw e;
        }
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    @Override
    public long @Nullable [] shape(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? null : f.tensors().get(name).shape();
    }

    @Override
    public float[] read(String name) throws IOException {
        SafetensorsFile f = byName.get(name);
        if (f == null) throw new IOException(description + ": no tensor '" + name + "'");
        return f.readFloats(f.tensors().get(name));
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        for (SafetensorsFile f : files) f.close();
    }
}
