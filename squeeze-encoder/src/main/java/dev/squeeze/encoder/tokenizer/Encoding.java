package dev.squeeze.encoder.tokenizer;

import java.util.List;

/** A tokenised text: ids and their token strings, in order (special tokens included when they were asked for). */
public record Encoding(int[] ids, List<String> tokens) {
    public Encoding {
        tokens = List.copyOf(tokens);
        if (ids.length != tokens.size())
            throw new IllegalArgumentException(ids.length + " ids for " + tokens.size() + " tokens");
    }

    public int size() {
        return ids.length;
    }
}
