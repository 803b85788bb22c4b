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
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            String s = dec.decode(in).toString();
            String text = s.startsWith("\uFEFF") ? s.substring(1) : s;
            requireText(source, text);
            return text;
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(source + ": invalid UTF-8 at byte offset " + in.position()
                    + " (" + e.getInputLength() + " malformed byte(s)); is it a binary file?");
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
}
