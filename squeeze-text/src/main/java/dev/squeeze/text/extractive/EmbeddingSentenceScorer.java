package dev.squeeze.text.extractive;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Cosine similarity between the question's embedding and each sentence's (one batched embed call). */
public final class EmbeddingSentenceScorer implements SentenceScorer {
    private final Embedder embedder;

    public EmbeddingSentenceScorer(Embedder embedder) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
    }

    @Override
    public float[] score(String question, List<String> sentences) {
        List<String> all = new ArrayList<>(sentences.size() + 1);
        all.add(question);
        all.addAll(sentences);
        float[][] e = embedder.embed(all);
        float[] s = new float[sentences.size()];
        for (int i = 0; i < s.length; i++) s[i] = Cosine.of(e[0], e[i + 1]);
        return s;
    }
}
