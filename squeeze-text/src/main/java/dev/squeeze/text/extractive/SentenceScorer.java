package dev.squeeze.text.extractive;

import java.util.List;

/** Relevance of each sentence to a question (higher = more relevant); pluggable (embeddings, a cross-encoder, BM25). */
@FunctionalInterface
public interface SentenceScorer {
    float[] score(String question, List<String> sentences);
}
