package dev.squeeze.encoder.tokenizer;

import java.util.Locale;

/**
 * tokenizer.json "BertNormalizer": clean_text drops NUL, U+FFFD and category-C characters other than tab/newline/CR,
 * then maps white space to ' '; handle_chinese_chars puts spaces around CJK ideographs; strip_accents (default: the
 * value of lowercase) decomposes to NFD and drops nonspacing marks; lowercase maps each code point to its full
 * lower case (as Rust's {@code char::to_lowercase}: U+0130 becomes "i\u0307", no final-sigma context).
 */
final class BertNormalizer implements Normalizer {
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.chineseChars = chineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    @Override
    public String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || (c != '\t' && c != '\n' && c != '\r' && UnicodeClasses.isOther(c)))
                    continue;
                if (c == '\t' || c == '\n' || c == '\r' || UnicodeClasses.isWhiteSpace(c)) c = ' ';
            }
            if (chineseChars && UnicodeClasses.isCjk(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        }
        String s = sb.toString();
        if (stripAccents) s = stripNonspacingMarks(java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD));
        if (lowercase) s = lowercaseEachCodePoint(s);
        return s;
    }

    static String stripNonspacingMarks(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.getType(c) != Character.NON_SPACING_MARK) sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    /** Per code point, so no context rule (final sigma) applies, as in the reference. */
    static String lowercaseEachCodePoint(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            if (c < 128) {
                sb.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
            } else {
                sb.append(s.substring(i, i + n).toLowerCase(Locale.ROOT));
            }
            i += n;
        }
        return sb.toString();
    }
}
