package dev.squeeze.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/** Rejects binary input with a message that names where it went wrong. */
public final class TextChecks {
    private TextChecks() {}

    /**
     * Decodes UTF-8 strictly (no replacement characters): malformed bytes are an error naming the byte
     * offset in {@code source}. A leading BOM is dropped.
     */
    public static String decodeUtf8(byte[] bytes, String source) {
        CharsetDecoder dec = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            String s = dec.decode(in).toString();
            String text = s.startsWith("\uFEFF") ? s.substring(1) : s;
            requireText(source, text);
            return text;
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(source + ": invalid UTF-8 at byte offset " + in.position() + " ("
                    + e.getInputLength() + " malformed byte(s)); is it a binary file?");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(source + ": invalid UTF-8 near byte offset " + in.position());
        }
    }

    /** Fails on NUL, other C0 controls except tab/CR/LF/FF, and unpaired surrogates. */
    public static void requireText(String what, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                throw new IllegalArgumentException(what + " contains control character U+"
                        + String.format("%04X", (int) c) + " at char offset " + i + "; binary input is not text");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException(what + " has an unpaired surrogate at char offset " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(what + " has an unpaired surrogate at char offset " + i);
            }
        }
    }

    /** A run of characters of one kind: where it starts (char offset) and its length in code points. */
    public record Run(int offset, int length) {}

    /**
     * The longest "word" of {@code s} in one linear scan: the longest run of letters (with their combining marks),
     * of whitespace, or of other symbols. These are the pieces BPE pre-tokenizers (cl100k, o200k, GPT-2, Llama 3)
     * hand to the merge loop whole; digits never form long pieces (they are split in groups of up to three), so
     * they end a run. Lengths are in code points.
     */
    public static Run longestRun(String s) {
        int bestAt = 0, bestLen = 0, runAt = 0, runLen = 0, runKind = -1;
        for (int i = 0, n = s.length(); i < n; ) {
            int cp = s.codePointAt(i);
            int kind = kind(cp);
            if (kind != runKind || kind == DIGIT) {
                runKind = kind;
                runAt = i;
                runLen = 0;
            }
            if (kind != DIGIT && ++runLen > bestLen) {
                bestLen = runLen;
                bestAt = runAt;
            }
            i += Character.charCount(cp);
        }
        return new Run(bestAt, bestLen);
    }

    /** Fails when {@code s} has a word (see {@link #longestRun}) of more than {@code maxChars} code points, naming where. */
    public static void requireWordsAtMost(String what, String s, int maxChars) {
        Run r = longestRun(s);
        if (r.length() > maxChars) {
            throw new IllegalArgumentException(what + " has a " + r.length() + "-character word at char offset "
                    + r.offset() + "; words of at most " + maxChars + " characters are accepted");
        }
    }

    private static final int LETTER = 0, SPACE = 1, DIGIT = 2, OTHER = 3;

    private static int kind(int cp) {
        if (Character.isLetter(cp)) return LETTER;
        int t = Character.getType(cp);
        if (t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK || t == Character.ENCLOSING_MARK)
            return LETTER;
        if (Character.isWhitespace(cp) || t == Character.SPACE_SEPARATOR) return SPACE;
        if (t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER)
            return DIGIT;
        return OTHER;
    }
}
