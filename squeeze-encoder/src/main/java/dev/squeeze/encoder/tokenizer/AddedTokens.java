package dev.squeeze.encoder.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * tokenizer.json "added_tokens" (special tokens such as [CLS] or &lt;mask&gt;), split out whole, leftmost-longest;
 * single_word tokens only match between non-word characters, lstrip / rstrip tokens also take the white space before /
 * after them. As in the reference there are two sets: tokens with {@code normalized: false} are found in the raw text
 * before normalisation, tokens with {@code normalized: true} in each normalised piece (their content normalised too).
 */
final class AddedTokens {
    /** One added token. */
    record Token(int id, String content, boolean special, boolean singleWord, boolean lstrip, boolean rstrip) {}

    /** A piece of the input: an added token's id, or -1 for text the model tokenises; start offset in the input. */
    record Piece(String text, int id, int start) {}

    private final List<Token> tokens;

    AddedTokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    List<Token> tokens() {
        return tokens;
    }

    List<Piece> split(String text) {
        List<Piece> out = new ArrayList<>();
        if (tokens.isEmpty()) {
            if (!text.isEmpty()) out.add(new Piece(text, -1, 0));
            return out;
        }
        int emitted = 0;
        int i = 0;
        while (i < text.length()) {
            Token best = null;
            for (Token t : tokens) {
                if (text.startsWith(t.content(), i)
                        && (best == null
                                || t.content().length() > best.content().length())) {
                    if (t.singleWord() && !isolated(text, i, i + t.content().length())) continue;
                    best = t;
                }
            }
            if (best == null) {
                i++;
                continue;
            }
            int start = i, stop = i + best.content().length();
            if (best.lstrip()) {
                while (start > emitted && UnicodeClasses.isWhiteSpace(text.codePointBefore(start)))
                    start -= Character.charCount(text.codePointBefore(start));
            }
            if (best.rstrip()) {
                while (stop < text.length() && UnicodeClasses.isWhiteSpace(text.codePointAt(stop)))
                    stop += Character.charCount(text.codePointAt(stop));
            }
            if (start > emitted) out.add(new Piece(text.substring(emitted, start), -1, emitted));
            out.add(new Piece(text.substring(start, stop), best.id(), start));
            emitted = stop;
            i = stop;
        }
        if (emitted < text.length()) out.add(new Piece(text.substring(emitted), -1, emitted));
        return out;
    }

    private static boolean isolated(String text, int start, int stop) {
        boolean before = start == 0 || !isWordChar(text.codePointBefore(start));
        boolean after = stop == text.length() || !isWordChar(text.codePointAt(stop));
        return before && after;
    }

    /** Rust regex's \w: alphanumeric, marks, connector punctuation. */
    private static boolean isWordChar(int c) {
        return Character.isLetterOrDigit(c)
                || Character.getType(c) == Character.NON_SPACING_MARK
                || Character.getType(c) == Character.COMBINING_SPACING_MARK
                || Character.getType(c) == Character.ENCLOSING_MARK
                || Character.getType(c) == Character.CONNECTOR_PUNCTUATION;
    }
}
