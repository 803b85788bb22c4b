package dev.squeeze.encoder.tokenizer;

import java.util.List;

/**
 * tokenizer.json "Metaspace" (SentencePiece's space handling): every ' ' becomes the replacement character
 * (U+2581 "▁"); the replacement is prepended when the piece does not start with it (prepend_scheme "always"; "first":
 * only on the piece that starts the input; "never"); with split, the piece is cut before every replacement
 * character (each word keeps its leading "▁"). The legacy {@code add_prefix_space: true} means "always".
 */
final class MetaspacePreTokenizer implements PreTokenizer {
    enum Prepend {
        ALWAYS,
        FIRST,
        NEVER
    }

    private final char replacement;
    private final Prepend prepend;
    private final boolean split;

    MetaspacePreTokenizer(char replacement, Prepend prepend, boolean split) {
        this.replacement = replacement;
        this.prepend = prepend;
        this.split = split;
    }

    @Override
    public void split(String piece, boolean first, List<String> out) {
        String s = piece.replace(' ', replacement);
        boolean add = prepend == Prepend.ALWAYS || (prepend == Prepend.FIRST && first);
        if (add && !s.isEmpty() && s.charAt(0) != replacement) s = replacement + s;
        if (!split) {
            if (!s.isEmpty()) out.add(s);
            return;
        }
        int start = 0;
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == replacement) {
                out.add(s.substring(start, i));
                start = i;
            }
        }
        if (start < s.length()) out.add(s.substring(start));
    }
}
